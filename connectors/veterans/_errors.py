"""What this system's pages say, and what it means for the hub (the connector's error table)."""

from __future__ import annotations

import re

from hub.errors import CredentialsRejected, HubError, TargetUnavailable

#: Page text -> error class. Anything else shown in a step's alert box is a business rejection,
#: shown to the worker in the system's own words.
PAGE_TEXT: dict[str, type[HubError]] = {
    "用户名或密码错误": CredentialsRejected,
    "登录失败": CredentialsRejected,
    "系统繁忙": TargetUnavailable,
    "系统维护": TargetUnavailable,
    "会话已过期": TargetUnavailable,
}
#: The system's 503 pages carry no alert box, only this text.
UNAVAILABLE = re.compile("系统繁忙|系统维护")
#: On the log-in page: the code typed was not the one in the image (a new image is shown).
CAPTCHA_WRONG = "验证码错误"
#: What the robot asks the worker, with the image, when the log-in form has a CAPTCHA.
CAPTCHA_PROMPT = "请输入图中的验证码"
#: How often she may misread it before the delivery stops and waits for a person.
MAX_CAPTCHA_ATTEMPTS = 3

#: The 状态 column of 信息查询 once reviewed; 已受理 means still under review.
DECISION_STATUS = {"审核通过": "approved", "审核不通过": "rejected"}


def raise_for_page_text(text: str, where: str) -> None:
    """Raise the error the table names for this text, if it names one."""
    for known, error in PAGE_TEXT.items():
        if known in text:
            raise error(f"{where}: {known}")
