"""What an API connector's tests share: the stand-in's /_sim/ hooks, a POST as an earlier
attempt would have sent it, and stand-ins that misbehave as real gateways do."""

from __future__ import annotations

import json
import socket
from typing import Any

import httpx
from starlette.types import ASGIApp, Receive, Scope, Send


def api_config(base_url: str, api_key: str) -> dict[str, str]:
    """A JSON-API connector's configuration: where the target is and the hub's key for it."""
    return {"base_url": base_url, "api_key": api_key}


async def sim_records(base_url: str) -> list[dict[str, Any]]:
    """Every record the simulated target stored, oldest first (its /_sim/records hook)."""
    async with httpx.AsyncClient(base_url=base_url) as http:
        response = await http.get("/_sim/records")
        response.raise_for_status()
        records: list[dict[str, Any]] = response.json()
        return records


async def sim_decide(base_url: str, receipt_no: str, body: dict[str, str]) -> None:
    """Decide a record as the simulated target's reviewer would (its decision hook)."""
    async with httpx.AsyncClient(base_url=base_url) as http:
        answer = await http.post(f"/_sim/applications/{receipt_no}/decision", json=body)
        answer.raise_for_status()


async def post_json(
    base_url: str, path: str, body: dict[str, str], *, api_key: str, key: str | None = None
) -> httpx.Response:
    """POST body with the API key (and an Idempotency-Key, if given), as a connector would."""
    headers = {"X-API-Key": api_key} | ({"Idempotency-Key": key} if key else {})
    async with httpx.AsyncClient(base_url=base_url) as http:
        return await http.post(path, json=body, headers=headers)


def lagging_lookup(app: ASGIApp, path: str) -> ASGIApp:
    """The target, but its look-up (GET path) does not see records yet (a lagging replica)."""

    async def lagging(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] == path:
            await _answer(send, 200, {"items": []})
            return
        await app(scope, receive, send)

    return lagging


def answering(status: int) -> ASGIApp:
    """A target that answers every request with one status, as a busy or broken gateway does."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await _answer(send, status, {"code": "BUSY", "message": "系统繁忙"})

    return app


def free_port(host: str) -> int:
    """A port that was free a moment ago and that nothing listens on."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
    return port


async def _answer(send: Send, status: int, body: object) -> None:
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": json.dumps(body).encode()})
