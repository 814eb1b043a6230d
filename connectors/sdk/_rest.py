"""What JSON-API connectors share: the API-key target, sending a request and reading its answer,
and turning a refused request into the hub's error kinds by the connector's own status table."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx

from connectors.sdk._connector import DeliveryContext, Receipt
from connectors.sdk._http import http_client
from connectors.sdk._manifest import Manifest
from hub.errors import (
    BusinessRejection,
    ConfigurationError,
    HubError,
    RobotBroken,
    TargetUnavailable,
)

#: What the city's key-guarded JSON APIs mean alike by these statuses; a connector's own table
#: starts from it.
API_KEY_STATUS: Mapping[int, type[HubError]] = {
    # The platform's API key is the hub's, not a worker's login: a refused key is IT's to fix
    # (CredentialsRejected would tell the worker to re-bind an account she does not have).
    401: ConfigurationError,
    403: ConfigurationError,
    409: RobotBroken,  # same idempotency key, different body: our mapping changed mid-flight
    429: TargetUnavailable,  # over the per-key rate limit: wait and retry
}
#: The status of a business rejection: the body's "message" is the target's reason, shown to
#: the worker.
REJECTED = 422


def api_key_target(manifest: Manifest, config: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    """The base URL and the X-API-Key headers from a connector's configuration."""
    base_url, api_key = config.get("base_url", ""), config.get("api_key", "")
    if not (base_url and api_key):
        raise ConfigurationError(f"{manifest.id} needs base_url and api_key")
    # The API key goes in every request's headers: never to a host the manifest does not name.
    if httpx.URL(base_url).host not in manifest.allowed_hosts:
        raise ConfigurationError(f"{manifest.id}: base_url host is not in allowed_hosts")
    return base_url, {"X-API-Key": api_key}


def status_error(status: int, table: Mapping[int, type[HubError]]) -> type[HubError]:
    """What a non-2xx status (other than a rejection) means: the table's entry if it has one;
    else 5xx is the target's trouble, retried, and anything unexpected means the client no
    longer matches the API."""
    if status in table:
        return table[status]
    return TargetUnavailable if 500 <= status < 600 else RobotBroken


#: Finds the receipt of the record a delivery is about to file, if the target has it already:
#: (client, headers with the API key, the mapped body) -> receipt number or None.
Lookup = Callable[[httpx.AsyncClient, dict[str, str], Mapping[str, str]], Awaitable[str | None]]


class RestApi:
    """A connector's JSON API: it sends requests with the hub's API key, returns a 2xx answer
    and raises anything else as the hub's error kind by the connector's status table (see
    `status_error`; TargetUnavailable carries Retry-After)."""

    def __init__(
        self,
        *,
        manifest: Manifest,
        statuses: Mapping[int, type[HubError]],
        rejection_message: str,
        timeout_s: float = 20.0,
    ) -> None:
        """rejection_message is shown to the worker when a rejection carries no reason."""
        self._manifest = manifest
        self._source = manifest.id
        self._statuses = statuses
        self._rejection_message = rejection_message
        self._timeout_s = timeout_s

    def connect(self, config: Mapping[str, str]) -> tuple[httpx.AsyncClient, dict[str, str]]:
        """A client for the configured target (`async with`) and the headers with the key."""
        base_url, headers = api_key_target(self._manifest, config)
        return http_client(base_url, timeout=self._timeout_s), headers

    async def file_once(
        self,
        ctx: DeliveryContext,
        *,
        path: str,
        body: Callable[[], dict[str, str]],
        lookup: Lookup,
    ) -> Receipt:
        """POST body() to path unless this delivery filed it already: look up first, then POST
        with the delivery's Idempotency-Key."""
        # An earlier attempt read the receipt and heartbeated it before it was lost: it filed.
        if ctx.previous.get("receipt_no"):
            return Receipt(receipt_no=str(ctx.previous["receipt_no"]), existing=True)
        mapped = body()
        http, headers = self.connect(ctx.config)
        async with http:
            existing = await lookup(http, headers, mapped)
            if existing:
                return Receipt(receipt_no=existing, existing=True)
            ctx.heartbeat({"step": "looked_up"})
            # The look-up can miss an earlier attempt's POST (its answer lost on the way back);
            # the Idempotency-Key, stable across attempts, makes the platform replay it instead.
            keyed = {**headers, "Idempotency-Key": ctx.idempotency_key}
            response = await self.send(http.post(path, json=mapped, headers=keyed))
            receipt_no = str(self.json(response).get("receipt_no") or "")
            if not receipt_no:
                raise RobotBroken(f"no receipt_no in the answer from {self._source}")
            ctx.heartbeat({"step": "submitted", "receipt_no": receipt_no})
            return Receipt(receipt_no=receipt_no, existing=response.status_code == 200)

    async def send(self, request: Awaitable[httpx.Response]) -> httpx.Response:
        try:
            response = await request
        except httpx.TransportError as exc:
            raise TargetUnavailable(f"transport: {type(exc).__name__}") from None
        if response.status_code < 300:
            return response
        if response.status_code == REJECTED:
            reason = str(self.json(response).get("message") or "") or self._rejection_message
            raise BusinessRejection("platform rejected the record", user_message=reason)
        detail = f"HTTP {response.status_code} from {self._source}"
        error = status_error(response.status_code, self._statuses)
        if error is TargetUnavailable:
            raise TargetUnavailable(detail, retry_after_s=retry_after(response))
        raise error(detail)

    def json(self, response: httpx.Response) -> dict[str, Any]:
        """The answer's JSON object; anything else means the client no longer matches the API."""
        try:
            body: Any = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            detail = f"HTTP {response.status_code} from {self._source} is not a JSON object"
            raise RobotBroken(detail)
        return body


def retry_after(response: httpx.Response) -> float | None:
    """Retry-After in seconds (the platforms send seconds; an HTTP date is not honoured)."""
    value = response.headers.get("Retry-After", "").strip()
    return float(value) if value.isdigit() else None
