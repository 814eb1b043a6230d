"""API client: look up first, then POST with an idempotency key; map errors by status."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from typing import Any

import httpx

from connectors.city_data._errors import REJECTED, error_for
from connectors.city_data._manifest import MANIFEST
from connectors.city_data._mapping import to_target
from connectors.sdk import Application, DeliveryContext, Receipt, http_client
from hub.errors import BusinessRejection, ConfigurationError, RobotBroken, TargetUnavailable

_PATH = "/api/v1/records"
_TIMEOUT_S = 20.0


class CityDataConnector:
    manifest = MANIFEST

    def map(self, application: Application) -> dict[str, str]:
        return application.fields(to_target)

    async def deliver(self, ctx: DeliveryContext, application: Application) -> Receipt:
        # An earlier attempt read the receipt and heartbeated it before it was lost: it filed.
        if ctx.previous.get("receipt_no"):
            return Receipt(receipt_no=str(ctx.previous["receipt_no"]), existing=True)
        body = self.map(application)
        base_url, headers = _target(ctx.config)
        async with http_client(base_url, timeout=_TIMEOUT_S) as http:
            existing = await _lookup(http, headers, body)
            if existing:
                return Receipt(receipt_no=existing, existing=True)
            ctx.heartbeat({"step": "looked_up"})
            # The look-up can miss an earlier attempt's POST (its answer lost on the way back);
            # the Idempotency-Key, stable across attempts, makes the platform replay it instead.
            keyed = {**headers, "Idempotency-Key": ctx.idempotency_key}
            response = await _send(http.post(_PATH, json=body, headers=keyed))
            receipt_no = str(_json(response).get("receipt_no") or "")
            if not receipt_no:
                raise RobotBroken(f"no receipt_no in the answer from {MANIFEST.id}")
            ctx.heartbeat({"step": "submitted", "receipt_no": receipt_no})
            return Receipt(receipt_no=receipt_no, existing=response.status_code == 200)


def _target(config: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    base_url, api_key = config.get("base_url", ""), config.get("api_key", "")
    if not (base_url and api_key):
        raise ConfigurationError(f"{MANIFEST.id} needs base_url and api_key")
    # The API key goes in every request's headers: never to a host the manifest does not name.
    if httpx.URL(base_url).host not in MANIFEST.allowed_hosts:
        raise ConfigurationError(f"{MANIFEST.id}: base_url host is not in allowed_hosts")
    return base_url, {"X-API-Key": api_key}


async def _lookup(
    http: httpx.AsyncClient, headers: dict[str, str], body: Mapping[str, str]
) -> str | None:
    """The receipt of this very record if the platform has it already.

    The platform keeps every business a person has had (a house inspected year after year, an
    allowance applied for again), so the same business type and ID number is not enough: only
    a record of the same business day is this one.
    """
    params = {"business_type": body["business_type"], "id_number": body["id_number"]}
    response = await _send(http.get(_PATH, params=params, headers=headers))
    for item in _json(response).get("items", []):
        if item.get("business_date") == body["business_date"]:
            return str(item["receipt_no"])
    return None


async def _send(request: Awaitable[httpx.Response]) -> httpx.Response:
    try:
        response = await request
    except httpx.TransportError as exc:
        raise TargetUnavailable(f"transport: {type(exc).__name__}") from None
    if response.status_code < 300:
        return response
    if response.status_code == REJECTED:
        reason = str(_json(response).get("message") or "") or "基层数据共享平台退回了数据"
        raise BusinessRejection("platform rejected the record", user_message=reason)
    detail = f"HTTP {response.status_code} from {MANIFEST.id}"
    error = error_for(response.status_code)
    if error is TargetUnavailable:
        raise TargetUnavailable(detail, retry_after_s=_retry_after(response))
    raise error(detail)


def _retry_after(response: httpx.Response) -> float | None:
    """Retry-After in seconds (the platform sends seconds; an HTTP date is not honoured)."""
    value = response.headers.get("Retry-After", "").strip()
    return float(value) if value.isdigit() else None


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise RobotBroken(f"HTTP {response.status_code} from {MANIFEST.id} is not a JSON object")
    return body
