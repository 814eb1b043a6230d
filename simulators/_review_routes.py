"""The 审核 hook every simulator shares: POST /_sim/applications/{receipt_no}/decision.

It stands in for the system's own reviewer. Tests post JSON {"result": "approved"|"rejected",
"reason": ...} and get the decided record back; the buttons on each /records page post the same
fields as a form and are sent back to /records. Like the other /_sim/ hooks it needs no log-in.
"""

# No `from __future__ import annotations`: FastAPI evaluates route signatures at run time.

import json
from collections.abc import Mapping
from typing import Protocol

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from simulators._decisions import RESULTS, STATUS_APPROVED, Record
from simulators._errors import ApiError, invalid
from simulators._html import render, template_env

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# "approved" -> True, "rejected" -> False.
_APPROVES = {result: status == STATUS_APPROVED for status, result in RESULTS.items()}


class Reviewable(Protocol):
    def decide(self, receipt_no: str, *, approved: bool, reason: str | None) -> Record: ...


def review_router(*, store: Reviewable) -> APIRouter:
    router = APIRouter()
    env = template_env("simulators")

    @router.post("/_sim/applications/{receipt_no}/decision")
    async def decide(receipt_no: str, request: Request) -> Response:
        """Test hook: approve or refuse one application (JSON, or a form from /records)."""
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        from_form = media_type in _FORM_TYPES
        try:
            fields = await (_form_fields(request) if from_form else _json_fields(request))
            approved, reason = _decision_fields(fields)
            record = await run_in_threadpool(
                store.decide, receipt_no, approved=approved, reason=reason
            )
        except ApiError as refusal:
            if from_form:
                page = "decision_refused.html"
                return render(env, page, status_code=refusal.status_code, message=refusal.message)
            return JSONResponse(refusal.body(), status_code=refusal.status_code)
        if from_form:
            return RedirectResponse("/records", status_code=303)
        return JSONResponse(record)

    return router


async def _form_fields(request: Request) -> dict[str, object]:
    form = await request.form()
    return {name: form.get(name) for name in ("result", "reason")}


async def _json_fields(request: Request) -> Mapping[str, object]:
    try:
        body = json.loads(await request.body())
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise invalid("请求体不是有效的JSON", None) from None
    if not isinstance(body, dict):
        raise invalid("请求体应为JSON对象", None)
    return body


def _decision_fields(fields: Mapping[str, object]) -> tuple[bool, str | None]:
    result, reason = fields.get("result"), fields.get("reason")
    if not isinstance(result, str) or result not in _APPROVES:
        raise invalid("审核结果应为approved或rejected", "result")
    if reason is not None and not isinstance(reason, str):
        raise invalid("审核意见应为字符串", "reason")
    return _APPROVES[result], reason
