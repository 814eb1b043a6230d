"""API client: what this platform is asked (its path, the look-up that finds a record already
filed); looking up first, then POSTing with an idempotency key, is the SDK's RestApi."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from connectors.city_data._errors import STATUS
from connectors.city_data._manifest import MANIFEST
from connectors.city_data._mapping import to_target
from connectors.sdk import Application, DeliveryContext, Receipt, RestApi

_PATH = "/api/v1/records"
_API = RestApi(manifest=MANIFEST, statuses=STATUS, rejection_message="基层数据共享平台退回了数据")


class CityDataConnector:
    manifest = MANIFEST

    def map(self, application: Application) -> dict[str, str]:
        return application.fields(to_target)

    async def deliver(self, ctx: DeliveryContext, application: Application) -> Receipt:
        return await _API.file_once(
            ctx, path=_PATH, body=lambda: self.map(application), lookup=_lookup
        )


async def _lookup(
    http: httpx.AsyncClient, headers: dict[str, str], body: Mapping[str, str]
) -> str | None:
    """The receipt of this very record if the platform has it already.

    The platform keeps every business a person has had (a house inspected year after year, an
    allowance applied for again), so the same business type and ID number is not enough: only
    a record of the same business day is this one.
    """
    params = {"business_type": body["business_type"], "id_number": body["id_number"]}
    response = await _API.send(http.get(_PATH, params=params, headers=headers))
    for item in _API.json(response).get("items", []):
        if item.get("business_date") == body["business_date"]:
            return str(item["receipt_no"])
    return None
