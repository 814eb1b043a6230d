"""The open API under /api/v1, guarded by X-API-Key; POSTs are rate limited per key."""

# No `from __future__ import annotations`: FastAPI evaluates route signatures at run time, and
# these name dependencies that exist only inside the router factory.

import secrets
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from simulators._decisions import Record, china_day
from simulators._rate_limit import RateLimiter
from simulators._storage import Clock
from simulators.housing_api._errors import (
    RateLimited,
    idempotency_conflict,
    invalid,
    not_found,
    unauthorized,
)
from simulators.housing_api._store import InspectionStore, Outcome, decision_view, request_hash
from simulators.housing_api._validation import inspection_fields, parse_body

_PATH = "/house-inspections"
_MAX_IDEMPOTENCY_KEY = 255
# What a look-up shows of each record.
_SHOWN = ("receipt_no", "status", "address", "safety_level", "inspected_on", "received_at")


def api_router(
    *, store: InspectionStore, api_keys: set[str], limiter: RateLimiter, clock: Clock
) -> APIRouter:
    require_key = _key_checker(api_keys)
    router = APIRouter(prefix="/api/v1", dependencies=[Depends(require_key)])

    def within_rate_limit(x_api_key: Annotated[str, Depends(require_key)]) -> None:
        wait = limiter.admit(x_api_key)
        if wait is not None:
            raise RateLimited(wait)

    @router.post(_PATH, status_code=201, dependencies=[Depends(within_rate_limit)])
    async def submit(
        request: Request, idempotency_key: Annotated[str | None, Header()] = None
    ) -> Response:
        """File a 房屋安全排查登记; replays the first answer for a repeated Idempotency-Key."""
        _check_idempotency_key(idempotency_key)
        body = parse_body(await request.body())
        fields = inspection_fields(body, today=china_day(clock()))
        outcome, record = await run_in_threadpool(
            store.submit, fields, body_hash=request_hash(body), idempotency_key=idempotency_key
        )
        if outcome is Outcome.CONFLICT:
            raise idempotency_conflict()
        answer = {key: record[key] for key in ("receipt_no", "status", "received_at")}
        if outcome is Outcome.REPLAYED:
            return JSONResponse(answer, status_code=200, headers={"Idempotent-Replayed": "true"})
        return JSONResponse(answer, status_code=201)

    @router.get(_PATH)
    def lookup(
        owner_id_number: str | None = None, address: str | None = None
    ) -> dict[str, list[Record]]:
        """Records for one owner's 公民身份号码 (and 房屋地址, if given), oldest first."""
        if not owner_id_number:
            raise invalid("缺少查询参数：公民身份号码", "owner_id_number")
        rows = store.by_owner(owner_id_number, address=address)
        return {"items": [{key: row[key] for key in _SHOWN} for row in rows]}

    @router.get(f"{_PATH}/{{receipt_no}}")
    def by_receipt(receipt_no: str) -> dict[str, object]:
        """One record by 受理编号, with the reviewer's 复核 decision (null until decided)."""
        record = store.by_receipt(receipt_no)
        if record is None:
            raise not_found()
        return {key: record[key] for key in _SHOWN} | {"decision": decision_view(record)}

    return router


def _key_checker(api_keys: set[str]) -> Callable[[str | None], str]:
    known = [key.encode("utf-8") for key in api_keys]

    def require_api_key(x_api_key: Annotated[str | None, Header()] = None) -> str:
        given = (x_api_key or "").encode("utf-8")
        # Constant-time comparison against every key, so timing does not reveal a near miss.
        matches = [secrets.compare_digest(given, key) for key in known]
        if not x_api_key or not any(matches):
            raise unauthorized()
        return x_api_key

    return require_api_key


def _check_idempotency_key(key: str | None) -> None:
    if key is not None and not 0 < len(key) <= _MAX_IDEMPOTENCY_KEY:
        raise invalid(f"Idempotency-Key长度应为1至{_MAX_IDEMPOTENCY_KEY}个字符", "Idempotency-Key")
