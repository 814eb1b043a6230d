"""Error bodies the simulators send as JSON: {"code", "message"}, plus "field" for validation
failures (null when the body as a whole is wrong)."""

from __future__ import annotations


class ApiError(Exception):
    def __init__(self, status_code: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(code)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.field = field

    def body(self) -> dict[str, str | None]:
        body: dict[str, str | None] = {"code": self.code, "message": self.message}
        if self.code == "INVALID":
            body["field"] = self.field
        return body


class RateLimited(ApiError):
    """429: the API key used up its requests for the rolling minute (answered with Retry-After)."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(429, "RATE_LIMITED", f"请求过于频繁，请{retry_after_s}秒后再试")
        self.retry_after_s = retry_after_s


def invalid(message: str, field: str | None) -> ApiError:
    return ApiError(422, "INVALID", message, field)


def not_found() -> ApiError:
    return ApiError(404, "NOT_FOUND", "未找到该受理编号")


def unauthorized() -> ApiError:
    return ApiError(401, "UNAUTHORIZED", "API密钥无效")


def idempotency_conflict() -> ApiError:
    return ApiError(409, "IDEMPOTENCY_CONFLICT", "幂等键已用于内容不同的请求")
