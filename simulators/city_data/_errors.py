"""The platform's own error: a look-up by an unknown 归集编号."""

from __future__ import annotations

from simulators._errors import ApiError


def not_found() -> ApiError:
    return ApiError(404, "NOT_FOUND", "未找到该归集编号")
