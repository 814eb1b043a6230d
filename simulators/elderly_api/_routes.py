"""The open API under /api/v1, guarded by X-API-Key."""

# No `from __future__ import annotations`: FastAPI evaluates route signatures at run time, and
# these name dependencies that exist only inside the router factory.

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from simulators._decisions import Record, decision_view
from simulators._errors import invalid, not_found
from simulators._json_api import api_key_checker, file_json
from simulators._json_body import parse_body
from simulators.elderly_api._store import AllowanceStore
from simulators.elderly_api._validation import application_fields

# What a look-up shows of each application.
_SHOWN = ("receipt_no", "status", "allowance_type", "applied_on", "received_at")


def api_router(*, store: AllowanceStore, api_keys: set[str]) -> APIRouter:
    router = APIRouter(prefix="/api/v1", dependencies=[Depends(api_key_checker(api_keys))])

    @router.post("/allowance-applications", status_code=201)
    async def submit(
        request: Request, idempotency_key: Annotated[str | None, Header()] = None
    ) -> Response:
        """File a 高龄津贴 application; replays the first answer for a repeated Idempotency-Key."""
        return await file_json(request, idempotency_key, store=store, check=application_fields)

    @router.put("/allowance-applications/{receipt_no}")
    async def amend(receipt_no: str, request: Request) -> dict[str, object]:
        """修改: replace an application awaiting review; its 公民身份号码 and 津贴类别 stay."""
        fields = application_fields(parse_body(await request.body()))
        record = await run_in_threadpool(store.amend, receipt_no, fields)
        return {key: record[key] for key in ("receipt_no", "status", "received_at", "amended_at")}

    @router.get("/allowance-applications")
    def lookup(id_number: str | None = None) -> dict[str, list[Record]]:
        """Applications filed under one 公民身份号码, oldest first."""
        if not id_number:
            raise invalid("缺少查询参数：公民身份号码", "id_number")
        items = [{key: row[key] for key in _SHOWN} for row in store.by_id_number(id_number)]
        return {"items": items}

    @router.get("/allowance-applications/{receipt_no}")
    def by_receipt(receipt_no: str) -> dict[str, object]:
        """One application by 受理编号, with the reviewer's decision (null until decided)."""
        record = store.by_receipt(receipt_no)
        if record is None:
            raise not_found()
        return {key: record[key] for key in _SHOWN} | {"decision": decision_view(record)}

    return router
