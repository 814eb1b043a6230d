"""The whole stack as `make run` starts it (real Temporal, Keycloak, Chromium, simulators, worker,
hub), on free ports with a fresh data directory, once per test session."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path

import httpx
import pytest
from google.protobuf import json_format
from playwright.async_api import Browser, BrowserContext, Page, async_playwright
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.converter import PayloadCodec

from connectors.sdk import CHROMIUM_ARGS
from hub.devstack import Stack
from hub.settings import (
    DecisionSettings,
    HubSettings,
    KeycloakSettings,
    Settings,
    SimulatorSettings,
    TemporalSettings,
)
from tests._keycloak_login import login_with_password
from tests._servers import free_ports

ROOT = Path(__file__).resolve().parents[2]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    hub, temporal, temporal_ui, keycloak, civil, api, social = free_ports(7)
    settings = Settings(
        environment="test",
        data_dir=tmp_path_factory.mktemp("stack"),
        hub=HubSettings(port=hub),
        temporal=TemporalSettings(port=temporal, ui_port=temporal_ui),
        keycloak=KeycloakSettings(port=keycloak),
        simulators=SimulatorSettings(civil_port=civil, api_port=api, social_port=social),
        # Review decisions are looked for every few seconds, not every few hours.
        decisions=DecisionSettings(first_check_s=1, maximum_interval_s=3),
    )
    stack = Stack(settings, cache_dir=ROOT / ".cache")
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        await browser.close()


async def portal_login(
    browser: Browser,
    stack: Stack,
    username: str,
    lands_on: str = "/residents",
    viewport: dict[str, int] = PHONE,
) -> tuple[BrowserContext, Page]:
    """Open the portal on a phone-sized screen (or another) and log in through Keycloak's own
    login page."""
    context = await browser.new_context(viewport=viewport, locale="zh-CN")
    page = await context.new_page()
    await page.goto(stack.settings.hub.url + "/")
    assert page.url.startswith(stack.settings.keycloak.url), "the portal sends her to Keycloak"
    await page.locator("#username").fill(username)
    await page.locator("#password").fill(stack.settings.keycloak.demo_password)
    await page.locator("#kc-login").click()
    await page.wait_for_url(stack.settings.hub.url + lands_on)
    return context, page


def bearer(stack: Stack, username: str) -> dict[str, str]:
    kc = stack.settings.keycloak
    tokens = login_with_password(
        keycloak_url=kc.url,
        realm=kc.realm,
        client_id=kc.client_id,
        client_secret=kc.client_secret,
        redirect_uri=f"{stack.settings.hub.url}/auth/callback",
        username=username,
        password=kc.demo_password,
    )
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def sim_records(url: str) -> list[dict[str, str]]:
    records: list[dict[str, str]] = httpx.get(f"{url}/_sim/records", timeout=10).json()
    return records


class HubCodec(PayloadCodec):
    """The hub's codec endpoint (/codec), called as the Temporal UI calls it."""

    def __init__(self, stack: Stack, headers: dict[str, str]) -> None:
        self.url = f"{stack.settings.hub.url}/codec"
        self.headers = headers | {"X-Namespace": stack.settings.temporal.namespace}

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        body = json_format.MessageToDict(Payloads(payloads=payloads))
        async with httpx.AsyncClient(timeout=30) as http:
            answer = await http.post(f"{self.url}/decode", json=body, headers=self.headers)
        assert answer.status_code == 200, answer.text
        return list(json_format.ParseDict(answer.json(), Payloads()).payloads)

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        raise NotImplementedError("only decoding is tested end to end")
