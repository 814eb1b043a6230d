"""The platform's error bodies: {"code", "message"} plus "field" for validation failures."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, Response


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
            # Validation errors always name a field; null when the body as a whole is wrong.
            body["field"] = self.field
        return body


def unauthorized() -> ApiError:
    return ApiError(401, "UNAUTHORIZED", "API密钥无效")


def invalid(message: str, field: str | None) -> ApiError:
    return ApiError(422, "INVALID", message, field)


def idempotency_conflict() -> ApiError:
    return ApiError(409, "IDEMPOTENCY_CONFLICT", "幂等键已用于内容不同的请求")


async def handle_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)  # registered for ApiError only
    return JSONResponse(exc.body(), status_code=exc.status_code)
