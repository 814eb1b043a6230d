"""The open API under /api/v1, guarded by X-API-Key; POSTs are rate limited per key."""

# No `from __future__ import annotations`: FastAPI evaluates route signatures at run time, and
# these name dependencies that exist only inside the router factory.

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import Response

from simulators._decisions import Record, china_day
from simulators._errors import invalid, not_found
from simulators._json_api import api_key_checker, file_json, rate_limit
from simulators._rate_limit import RateLimiter
from simulators._storage import Clock
from simulators.housing_api._store import InspectionStore, decision_view
from simulators.housing_api._validation import inspection_fields

_PATH = "/house-inspections"
# What a look-up shows of each record.
_SHOWN = ("receipt_no", "status", "address", "safety_level", "inspected_on", "received_at")


def api_router(
    *, store: InspectionStore, api_keys: set[str], limiter: RateLimiter, clock: Clock
) -> APIRouter:
    require_key = api_key_checker(api_keys)
    router = APIRouter(prefix="/api/v1", dependencies=[Depends(require_key)])

    @router.post(_PATH, status_code=201, dependencies=[Depends(rate_limit(limiter, require_key))])
    async def submit(
        request: Request, idempotency_key: Annotated[str | None, Header()] = None
    ) -> Response:
        """File a 房屋安全排查登记; replays the first answer for a repeated Idempotency-Key."""
        return await file_json(
            request,
            idempotency_key,
            store=store,
            check=lambda body: inspection_fields(body, today=china_day(clock())),
        )

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
