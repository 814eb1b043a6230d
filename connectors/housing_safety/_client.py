"""API client: what this platform is asked (its path, the look-up that finds a record already
filed); looking up first, then POSTing with an idempotency key, is the SDK's RestApi."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import httpx
from pydantic import ValidationError

from connectors.housing_safety._errors import STATUS
from connectors.housing_safety._manifest import MANIFEST
from connectors.housing_safety._mapping import to_target
from connectors.sdk import Application, Decision, DeliveryContext, Receipt, RestApi
from hub.errors import RobotBroken

_PATH = "/api/v1/house-inspections"
_API = RestApi(manifest=MANIFEST, statuses=STATUS, rejection_message="房屋安全信息平台退回了登记")


class HousingSafetyConnector:
    manifest = MANIFEST

    def map(self, application: Application) -> dict[str, str]:
        return application.fields(to_target)

    async def deliver(self, ctx: DeliveryContext, application: Application) -> Receipt:
        return await _API.file_once(
            ctx, path=_PATH, body=lambda: self.map(application), lookup=_lookup
        )

    async def check_decision(
        self, ctx: DeliveryContext, application: Application, receipt_no: str
    ) -> Decision | None:
        """The platform's 复核 of this record; None while it awaits review. Only reads."""
        http, headers = _API.connect(ctx.config)
        async with http:
            response = await _API.send(http.get(f"{_PATH}/{receipt_no}", headers=headers))
        decided = _API.json(response).get("decision")
        return None if not decided else _decision(decided)


async def _lookup(
    http: httpx.AsyncClient, headers: dict[str, str], body: Mapping[str, str]
) -> str | None:
    """The receipt of this very inspection if the platform has it already.

    Houses are inspected again year after year, so the same owner and address is not enough:
    only a record of the same inspection day is this one.
    """
    params = {"owner_id_number": body["owner_id_number"], "address": body["address"]}
    response = await _API.send(http.get(_PATH, params=params, headers=headers))
    for item in _API.json(response).get("items", []):
        if item.get("inspected_on") == body["inspected_on"]:
            return str(item["receipt_no"])
    return None


def _decision(body: dict[str, Any]) -> Decision:
    # 复核 pays nothing: an approval is the record confirmed, with no amount or start date.
    try:
        return Decision(
            result=body["result"],
            decided_on=date.fromisoformat(body["decided_on"]),
            reason=body.get("reason"),
        )
    except (KeyError, TypeError, ValueError, ValidationError):
        raise RobotBroken(f"unexpected decision from {MANIFEST.id}") from None
