"""The platform's own errors: an amendment it refuses."""

from __future__ import annotations

from simulators._errors import ApiError, invalid

# Why an amendment cannot change these: another person or allowance is a new application.
_UNCHANGEABLE = {
    "id_number": "公民身份号码不能修改，为他人申请请另行提交",
    "allowance_type": "津贴类别不能修改，申请其他类别请另行提交",
}


def not_amendable() -> ApiError:
    # A business refusal, like the 422 of a bad field, so clients show the message as it is.
    return ApiError(422, "NOT_AMENDABLE", "该申请已审核，不能修改")


def unchangeable(field: str) -> ApiError:
    return invalid(_UNCHANGEABLE[field], field)
