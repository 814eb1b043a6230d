"""API client: look up first, then POST with an idempotency key; PUT to amend what it filed;
map errors by status."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date
from decimal import Decimal
from typing import Any

import httpx

from connectors.elderly_api._errors import REJECTED, STATUS
from connectors.elderly_api._manifest import MANIFEST
from connectors.elderly_api._mapping import to_target
from connectors.sdk import Application, Decision, DeliveryContext, Receipt, http_client
from hub.errors import BusinessRejection, RobotBroken, TargetUnavailable

_PATH = "/api/v1/allowance-applications"


class ElderlyApiConnector:
    manifest = MANIFEST

    def map(self, application: Application) -> dict[str, str]:
        return application.fields(to_target)

    async def deliver(self, ctx: DeliveryContext, application: Application) -> Receipt:
        if ctx.previous.get("receipt_no"):
            # An earlier attempt filed and heartbeated the receipt before it died.
            return Receipt(receipt_no=str(ctx.previous["receipt_no"]), existing=True)
        headers = {"X-API-Key": ctx.config["api_key"]}
        async with http_client(ctx.config["base_url"]) as http:
            existing = await self._lookup(http, headers, application)
            if existing:
                return Receipt(receipt_no=existing, existing=True)
            ctx.heartbeat({"step": "looked_up"})
            response = await self._send(
                http.post(
                    _PATH,
                    json=self.map(application),
                    headers={**headers, "Idempotency-Key": ctx.idempotency_key},
                )
            )
            receipt_no = str(response.json()["receipt_no"])
            ctx.heartbeat({"step": "submitted", "receipt_no": receipt_no})
            return Receipt(receipt_no=receipt_no, existing=response.status_code == 200)

    async def amend(
        self, ctx: DeliveryContext, application: Application, receipt_no: str
    ) -> Receipt:
        """修改: replace what was filed under receipt_no. The platform refuses (422, shown to the
        worker) once its reviewer has decided, or if the ID number or allowance type changed."""
        if ctx.previous.get("step") == "amended" and ctx.previous.get("receipt_no") == receipt_no:
            # An earlier attempt's PUT was answered: amending again would only count twice.
            return Receipt(receipt_no=receipt_no)
        headers = {"X-API-Key": ctx.config["api_key"]}
        async with http_client(ctx.config["base_url"]) as http:
            await self._send(
                http.put(f"{_PATH}/{receipt_no}", json=self.map(application), headers=headers)
            )
        ctx.heartbeat({"step": "amended", "receipt_no": receipt_no})
        return Receipt(receipt_no=receipt_no)

    async def check_decision(
        self, ctx: DeliveryContext, application: Application, receipt_no: str
    ) -> Decision | None:
        headers = {"X-API-Key": ctx.config["api_key"]}
        async with http_client(ctx.config["base_url"]) as http:
            response = await self._send(http.get(f"{_PATH}/{receipt_no}", headers=headers))
        decided = response.json().get("decision")
        return None if not decided else _decision(decided)

    async def _lookup(
        self, http: httpx.AsyncClient, headers: dict[str, str], application: Application
    ) -> str | None:
        response = await self._send(
            http.get(_PATH, params={"id_number": application.id_number}, headers=headers)
        )
        for item in response.json().get("items", []):
            if item.get("allowance_type") == application.answer("allowance_type"):
                return str(item["receipt_no"])
        return None

    async def _send(self, request: Awaitable[httpx.Response]) -> httpx.Response:
        try:
            response = await request
        except httpx.TransportError as exc:
            raise TargetUnavailable(f"transport: {type(exc).__name__}") from None
        if response.status_code < 300:
            return response
        if response.status_code == REJECTED:
            reason = str(response.json().get("message", "")) or "目标系统退回了申请"
            raise BusinessRejection("platform rejected the application", user_message=reason)
        error = STATUS.get(response.status_code, RobotBroken)
        raise error(f"HTTP {response.status_code} from {MANIFEST.id}")


def _decision(body: dict[str, Any]) -> Decision:
    amount, month = body.get("monthly_amount"), body.get("start_month")
    return Decision(
        result=body["result"],
        decided_on=date.fromisoformat(body["decided_on"]),
        amount=None if amount is None else Decimal(str(amount)),
        amount_per="月",
        starts_on=None if not month else date.fromisoformat(f"{month}-01"),
        reason=body.get("reason"),
    )
