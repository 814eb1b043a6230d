"""What this system's answers mean for the hub (the connector's error table).

Every page is fetched with the worker's bearer token, so a page is judged by its HTTP status
before anything on it is read.
"""

from __future__ import annotations

from hub.errors import HubError, RobotBroken, SsoLoginRequired, TargetUnavailable

#: HTTP status -> error. The system checks the token on every page and answers 401 with
#: `WWW-Authenticate: Bearer error="invalid_token"` when it has expired or is not for this
#: system: only a new log-in by the worker can help.
STATUS: dict[int, type[HubError]] = {
    401: SsoLoginRequired,
    429: TargetUnavailable,
}

#: Text in a page's alert box that means the system, not the application, is at fault. Anything
#: else in the entry form's alert box is a business rejection, in the system's own words.
PAGE_TEXT: dict[str, type[HubError]] = {
    "系统繁忙": TargetUnavailable,
    "服务暂不可用": TargetUnavailable,  # Keycloak's signing keys out of reach (served as 503)
}

#: The 状态 of an earlier application that leaves the person free to apply again.
REFUSED = "不予批准"


def error_for_status(status: int) -> type[HubError] | None:
    """The error an HTTP status means; None for a page the robot may read."""
    if status in STATUS:
        return STATUS[status]
    if status >= 500:
        return TargetUnavailable
    if status >= 400:
        return RobotBroken  # a page that moved or a request the system no longer understands
    return None
