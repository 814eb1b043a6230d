"""What this system's pages say, and what it means for the hub (the connector's error table)."""

from __future__ import annotations

from hub.errors import CredentialsRejected, HubError, TargetUnavailable

#: Page text -> error class. Anything shown in the form's alert box that is not listed here is a
#: business rejection, shown to the worker with the system's own words.
PAGE_TEXT: dict[str, type[HubError]] = {
    "用户名或密码错误": CredentialsRejected,
    "系统繁忙": TargetUnavailable,
    "会话已过期": TargetUnavailable,
}

#: The 状态 column of 申请查询 once reviewers have decided; 已受理 means still under review.
DECISION_STATUS = {"已批准": "approved", "不予批准": "rejected"}
