"""The platform's error bodies: {"code", "message"} plus "field" for validation failures."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from simulators._errors import ApiError, invalid, not_found

__all__ = [
    "ApiError",
    "handle_api_error",
    "idempotency_conflict",
    "invalid",
    "not_amendable",
    "not_found",
    "unauthorized",
    "unchangeable",
]

# Why an amendment cannot change these: another person or allowance is a new application.
_UNCHANGEABLE = {
    "id_number": "公民身份号码不能修改，为他人申请请另行提交",
    "allowance_type": "津贴类别不能修改，申请其他类别请另行提交",
}


def unauthorized() -> ApiError:
    return ApiError(401, "UNAUTHORIZED", "API密钥无效")


def idempotency_conflict() -> ApiError:
    return ApiError(409, "IDEMPOTENCY_CONFLICT", "幂等键已用于内容不同的请求")


def not_amendable() -> ApiError:
    # A business refusal, like the 422 of a bad field, so clients show the message as it is.
    return ApiError(422, "NOT_AMENDABLE", "该申请已审核，不能修改")


def unchangeable(field: str) -> ApiError:
    return invalid(_UNCHANGEABLE[field], field)


async def handle_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)  # registered for ApiError only
    return JSONResponse(exc.body(), status_code=exc.status_code)
