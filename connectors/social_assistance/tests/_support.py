"""What the 社会救助 robot's tests share: the simulated system trusting locally minted tokens, and
delivery contexts that hand out her token as the hub would."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import jwt
from fastapi import FastAPI

from connectors.sdk import BrowserPool, DeliveryContext
from simulators import create_social_assistance_app

if TYPE_CHECKING:
    from connectors.conftest import DeliveryRecorder

ISSUER = "http://127.0.0.1:8080/realms/community"
CLIENT_ID = "social-assistance"
#: The submitting worker as the realm names her; records name her as submitted_by.
USER, NAME = "worker-a", "王 丽"


class TokenSource:
    """ctx.sso_token as the hub hands it out (her exchanged token), counting the reads."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.reads = 0

    async def __call__(self) -> str:
        self.reads += 1
        return self.token


def simulator(tmp_path: Path, jwks_client: jwt.PyJWKClient) -> FastAPI:
    """The system with a fresh database, taking its signing keys from jwks_client."""
    return create_social_assistance_app(
        db_path=tmp_path / "social_assistance.db",
        issuer=ISSUER,
        client_id=CLIENT_ID,
        client_secret="test-secret",
        public_url="http://127.0.0.1:8103",
        jwks_client=jwks_client,
    )


def delivery_context(
    recorder: DeliveryRecorder,
    base_url: str,
    token: TokenSource,
    *,
    browsers: BrowserPool | None,
    previous: Mapping[str, Any] | None = None,
) -> DeliveryContext:
    ctx = recorder.context({"base_url": base_url}, browsers=browsers, previous=previous)
    ctx.sso_token = token
    return ctx


async def records(base_url: str) -> list[dict[str, Any]]:
    """Every record the system holds, oldest first (its /_sim/ test hook)."""
    async with httpx.AsyncClient(base_url=base_url) as http:
        response = await http.get("/_sim/records")
        response.raise_for_status()
        found: list[dict[str, Any]] = response.json()
        return found
