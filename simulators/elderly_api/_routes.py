"""The open API under /api/v1, guarded by X-API-Key."""

# No `from __future__ import annotations`: FastAPI evaluates route signatures at run time, and
# these name dependencies that exist only inside the router factory.

import secrets
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from simulators._decisions import Record, decision_view
from simulators.elderly_api._errors import idempotency_conflict, invalid, not_found, unauthorized
from simulators.elderly_api._store import AllowanceStore, Outcome, request_hash
from simulators.elderly_api._validation import application_fields, parse_body

_MAX_IDEMPOTENCY_KEY = 255
# What a look-up shows of each application.
_SHOWN = ("receipt_no", "status", "allowance_type", "applied_on", "received_at")


def api_router(*, store: AllowanceStore, api_keys: set[str]) -> APIRouter:
    router = APIRouter(prefix="/api/v1", dependencies=[Depends(_key_checker(api_keys))])

    @router.post("/allowance-applications", status_code=201)
    async def submit(
        request: Request, idempotency_key: Annotated[str | None, Header()] = None
    ) -> Response:
        """File a 高龄津贴 application; replays the first answer for a repeated Idempotency-Key."""
        _check_idempotency_key(idempotency_key)
        body = parse_body(await request.body())
        fields = application_fields(body)
        outcome, record = await run_in_threadpool(
            store.submit, fields, body_hash=request_hash(body), idempotency_key=idempotency_key
        )
        if outcome is Outcome.CONFLICT:
            raise idempotency_conflict()
        answer = {key: record[key] for key in ("receipt_no", "status", "received_at")}
        if outcome is Outcome.REPLAYED:
            return JSONResponse(answer, status_code=200, headers={"Idempotent-Replayed": "true"})
        return JSONResponse(answer, status_code=201)

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


def _key_checker(api_keys: set[str]) -> Callable[[str | None], None]:
    known = [key.encode("utf-8") for key in api_keys]

    def require_api_key(x_api_key: Annotated[str | None, Header()] = None) -> None:
        given = (x_api_key or "").encode("utf-8")
        # Constant-time comparison against every key, so timing does not reveal a near miss.
        matches = [secrets.compare_digest(given, key) for key in known]
        if not x_api_key or not any(matches):
            raise unauthorized()

    return require_api_key


def _check_idempotency_key(key: str | None) -> None:
    if key is not None and not 0 < len(key) <= _MAX_IDEMPOTENCY_KEY:
        raise invalid(f"Idempotency-Key长度应为1至{_MAX_IDEMPOTENCY_KEY}个字符", "Idempotency-Key")
