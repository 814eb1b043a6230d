"""The project's error tree. Each class knows its HTTP status and whether a retry can help.

Errors are translated in two places only: the FastAPI exception handler (hub.api) and the
activity wrapper (workflows.activities), which turns them into Temporal ApplicationErrors.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class HubError(Exception):
    status_code = 500
    retryable = False
    #: Shown to the worker in the portal; never contains personal data.
    user_message = "系统内部错误，请稍后再试"

    def __init__(self, detail: str = "", *, user_message: str | None = None) -> None:
        super().__init__(detail or self.user_message)
        self.detail = detail or self.user_message
        if user_message is not None:
            self.user_message = user_message


class ConfigurationError(HubError):
    """The hub is misconfigured (missing key, bad URL): an operator must fix it."""


class NotFound(HubError):
    status_code = 404
    user_message = "未找到该记录，或您无权查看"


class Forbidden(HubError):
    status_code = 403
    user_message = "您没有执行此操作的权限"


class Unauthenticated(HubError):
    status_code = 401
    user_message = "请先登录"


class InvalidInput(HubError):
    status_code = 422
    user_message = "填写的内容有误，请检查后重新提交"

    def __init__(
        self,
        detail: str = "",
        *,
        user_message: str | None = None,
        field_errors: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail, user_message=user_message)
        #: field name -> Chinese message, for the portal to show beside each field
        self.field_errors = field_errors or {}


class Conflict(HubError):
    """Someone else changed the same records at the same moment and the database kept theirs;
    nothing of ours was written. Trying again sees their change."""

    status_code = 409
    retryable = True
    user_message = "这些记录正在被其他人修改，请稍后重试"


class TargetUnavailable(HubError):
    """The target system is down, slow or rate limiting: retrying later helps.

    retry_after_s: when the target said how long to wait (a 429's or 503's Retry-After), the
    next attempt waits that long instead of the connector's backoff.
    """

    status_code = 503
    retryable = True
    user_message = "目标系统暂时无法访问，系统将自动重试"

    def __init__(
        self,
        detail: str = "",
        *,
        user_message: str | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(detail, user_message=user_message)
        self.retry_after_s = retry_after_s


class BusinessRejection(HubError):
    """The target refused the submission; the worker must see its reason. Never retried."""

    status_code = 422
    user_message = "目标系统退回了申请"


class RobotBroken(HubError):
    """The target's pages no longer look as the robot expects: IT must look. Never retried."""

    status_code = 502
    user_message = "自动填报程序需要维护，已通知技术人员"


class CredentialsRejected(HubError):
    """The target refused the robot's login: the account must be re-bound. Never retried."""

    status_code = 502
    user_message = "目标系统登录失败，请检查绑定的账号和密码"


class HumanNeeded(HubError):
    """The target asks something only a person can answer (a CAPTCHA, an SMS code) and nobody
    could be asked. Never retried on its own."""

    status_code = 409
    user_message = "目标系统需要人工输入验证码，请稍后在待办中处理"


class HumanNotAnswered(HubError):
    """Nobody answered the target's question in time, and the connector retries later
    (manifest on_human_timeout="retry"): the next attempt asks again."""

    status_code = 409
    retryable = True
    user_message = "验证码无人输入，稍后将重新尝试"


class SsoLoginRequired(HubError):
    """The worker's single-sign-on token for the target has expired or was refused: she must log
    in to the portal again, and the delivery waits for her. Never retried on its own."""

    status_code = 401
    user_message = "统一身份认证已过期，请重新登录后继续报送"


#: Failures no retry and no worker can mend: IT must look (the ops page lists them, the worker
#: logs them at ERROR). By class name, as a delivery's outcome records its error_type.
NEEDS_IT = frozenset({RobotBroken.__name__, ConfigurationError.__name__})


def chinese_field_errors(errors: Sequence[Any], *, skip: int = 0) -> dict[str, str]:
    """Pydantic's validation errors as field -> Chinese message, the first message per field.

    skip drops leading parts of each error's location (FastAPI puts "body" or "query" first).
    """
    found: dict[str, str] = {}
    for error in errors:
        field = ".".join(str(part) for part in error["loc"][skip:]) or "body"
        found.setdefault(field, _chinese(error))
    return found


def _chinese(error: Any) -> str:
    kind = str(error["type"])
    if kind.startswith("date"):
        return "日期格式应为 年-月-日"
    if kind == "value_error":  # raised by our own validators, already in Chinese
        return str(error.get("ctx", {}).get("error", "格式有误"))
    return _GENERIC.get(kind, "格式有误")


_GENERIC = {
    "missing": "此项为必填项",
    "string_too_short": "内容太短",
    "string_too_long": "内容太长",
    "int_parsing": "应为整数",
    "json_invalid": "请求体不是有效的 JSON",
}
