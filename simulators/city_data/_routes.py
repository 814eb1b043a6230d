"""The open API under /api/v1, guarded by X-API-Key; POSTs are rate limited per key."""

# No `from __future__ import annotations`: FastAPI evaluates route signatures at run time, and
# these name dependencies that exist only inside the router factory.

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import Response

from simulators._decisions import Record, china_day
from simulators._errors import invalid
from simulators._json_api import api_key_checker, file_json, rate_limit
from simulators._rate_limit import RateLimiter
from simulators._storage import Clock
from simulators.city_data._errors import not_found
from simulators.city_data._store import CollectedStore
from simulators.city_data._validation import record_fields

_PATH = "/records"
# What a look-up shows of each record.
_SHOWN = ("receipt_no", "status", "business_type", "business_date", "received_at")


def api_router(
    *, store: CollectedStore, api_keys: set[str], limiter: RateLimiter, clock: Clock
) -> APIRouter:
    require_key = api_key_checker(api_keys)
    router = APIRouter(prefix="/api/v1", dependencies=[Depends(require_key)])

    @router.post(_PATH, status_code=201, dependencies=[Depends(rate_limit(limiter, require_key))])
    async def collect(
        request: Request, idempotency_key: Annotated[str | None, Header()] = None
    ) -> Response:
        """Collect one business record; replays the first answer for a repeated Idempotency-Key."""
        return await file_json(
            request,
            idempotency_key,
            store=store,
            check=lambda body: record_fields(body, today=china_day(clock())),
        )

    @router.get(_PATH)
    def lookup(
        business_type: str | None = None, id_number: str | None = None
    ) -> dict[str, list[Record]]:
        """One person's records of one business (业务类型 and 公民身份号码), oldest first."""
        if not business_type:
            raise invalid("缺少查询参数：业务类型", "business_type")
        if not id_number:
            raise invalid("缺少查询参数：公民身份号码", "id_number")
        rows = store.by_person(business_type, id_number)
        return {"items": [{key: row[key] for key in _SHOWN} for row in rows]}

    @router.get(f"{_PATH}/{{receipt_no}}")
    def by_receipt(receipt_no: str) -> dict[str, object]:
        """One record by 归集编号."""
        record = store.by_receipt(receipt_no)
        if record is None:
            raise not_found()
        return {key: record[key] for key in _SHOWN}

    return router
