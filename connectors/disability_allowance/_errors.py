"""What this system's answers mean for the hub (the connector's error table).

A page is judged by its HTTP status first, then by the red text the system prints. Anything in
the entry form's red 保存失败 list that is not below is a business rejection, shown to the worker
in the system's own words.
"""

from __future__ import annotations

from connectors.sdk._legacy import SessionExpired
from hub.errors import CredentialsRejected, HubError, RobotBroken, TargetUnavailable

#: Red text on the log-in page -> error.
LOGIN_TEXT: dict[str, type[HubError]] = {
    "用户名或密码错误": CredentialsRejected,
    "请输入用户名和密码": CredentialsRejected,  # a bound account with a blank password
    # Also seen at once after logging in when the idle timeout is shorter than the trip.
    "会话已超时": SessionExpired,
}

#: Text of an error page (the system's own 503 pages).
PAGE_TEXT: dict[str, type[HubError]] = {
    "系统繁忙": TargetUnavailable,
    "系统维护": TargetUnavailable,
}

#: The head of the entry form's list of reasons when it refuses to save.
REFUSAL_HEADING = "保存失败"

#: The 状态 of an earlier application that leaves the person free to apply again.
REFUSED = "不予批准"

#: The 状态 column of 申请查询 once reviewers have decided; 已受理 means still under review.
DECISION_STATUS = {"已批准": "approved", REFUSED: "rejected"}


def error_for_status(status: int) -> type[HubError] | None:
    """The error an HTTP status means; None for a page the robot may read."""
    if status == 429 or status >= 500:
        return TargetUnavailable
    if status >= 400:
        return RobotBroken  # a page that moved or a request the system no longer understands
    return None
