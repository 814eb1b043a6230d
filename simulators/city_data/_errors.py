"""The platform's error bodies: {"code", "message"} plus "field" for validation failures."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from simulators._errors import ApiError, RateLimited, invalid

__all__ = [
    "ApiError",
    "RateLimited",
    "handle_api_error",
    "idempotency_conflict",
    "invalid",
    "not_found",
    "unauthorized",
]


def unauthorized() -> ApiError:
    return ApiError(401, "UNAUTHORIZED", "API密钥无效")


def not_found() -> ApiError:
    return ApiError(404, "NOT_FOUND", "未找到该归集编号")


def idempotency_conflict() -> ApiError:
    return ApiError(409, "IDEMPOTENCY_CONFLICT", "幂等键已用于内容不同的请求")


async def handle_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)  # registered for ApiError only
    headers = {"Retry-After": str(exc.retry_after_s)} if isinstance(exc, RateLimited) else None
    return JSONResponse(exc.body(), status_code=exc.status_code, headers=headers)
