"""What the JSON-API simulators' tests share: a client holding an API key, filing a body that
must be accepted, the /_sim/ hooks for what was stored and for a reviewer's decision."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient


def keyed_client(
    create_app: Callable[..., FastAPI],
    *,
    db_path: Path,
    clock: Callable[[], datetime],
    api_key: str,
    **options: Any,
) -> TestClient:
    """The simulator (which also accepts "second-key"), called with api_key on every request."""
    app = create_app(db_path=db_path, api_keys={api_key, "second-key"}, clock=clock, **options)
    return TestClient(app, headers={"X-API-Key": api_key})


def sim_records(client: TestClient) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = client.get("/_sim/records").json()
    return records


def file_accepted(client: TestClient, url: str, body: dict[str, Any], **headers: str) -> str:
    """POST body to url, which must accept it (201); its receipt number."""
    response = client.post(url, json=body, headers=headers)
    assert response.status_code == 201, response.text
    receipt_no: str = response.json()["receipt_no"]
    return receipt_no


def sim_decide(client: TestClient, receipt_no: str, **decision: Any) -> httpx.Response:
    return client.post(f"/_sim/applications/{receipt_no}/decision", json=decision)
