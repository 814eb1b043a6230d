"""Acting as the worker through single sign-on: her token is read late, sent only to the target
and only in a header, never reported; a token the system refuses stops the delivery with
SsoLoginRequired (she must log in again) and nothing is filed.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi import FastAPI, Request
from playwright.async_api import Error as PlaywrightError
from starlette.types import ASGIApp, Receive, Scope, Send

from connectors.sdk import Application, BrowserPool
from connectors.social_assistance import connector
from connectors.social_assistance._robot import keep_to_target
from connectors.social_assistance.tests._support import (
    CLIENT_ID,
    USER,
    TokenSource,
    delivery_context,
    records,
    simulator,
)
from hub.errors import ConfigurationError, SsoLoginRequired
from tests._servers import serve
from tests._tokens import TokenMint

if TYPE_CHECKING:
    from connectors.conftest import DeliveryRecorder


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"exp": int(time.time()) - 60}, id="expired"),
        # Her own portal token: issued to the hub's client, not exchanged for this system.
        pytest.param({"aud": "account", "azp": CLIENT_ID}, id="not-for-this-system"),
        pytest.param({"aud": ["elderly-api"]}, id="for-another-system"),
    ],
)
async def test_a_token_the_system_refuses_asks_her_to_log_in_again_and_files_nothing(
    social_assistance: str,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    mint: TokenMint,
    dibao: Application,
    claims: dict[str, Any],
) -> None:
    token = TokenSource(mint.token(USER, roles=["worker"], claims=claims))

    with pytest.raises(SsoLoginRequired) as raised:
        await connector.deliver(
            delivery_context(recorder, social_assistance, token, browsers=browsers), dibao
        )

    assert await records(social_assistance) == []
    assert token.token not in str(raised.value)
    assert raised.value.user_message == "统一身份认证已过期，请重新登录后继续报送"


def _expired_by_the_post(app: ASGIApp, expired: str) -> ASGIApp:
    """The system as it answers when her token runs out while the robot fills the form: every
    POST arrives with an expired token in place of hers."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            headers = [(k, v) for k, v in scope["headers"] if k != b"authorization"]
            headers.append((b"authorization", f"Bearer {expired}".encode()))
            scope = {**scope, "headers": headers}
        await app(scope, receive, send)

    return wrapped


async def test_a_token_refused_in_the_middle_of_the_delivery_asks_her_to_log_in_again(
    tmp_path: Path,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    mint: TokenMint,
    her_token: TokenSource,
    dibao: Application,
) -> None:
    expired = mint.token(USER, roles=["worker"], claims={"exp": int(time.time()) - 1})
    app = _expired_by_the_post(simulator(tmp_path, mint.jwks_client), expired)

    with serve(app) as base_url:
        with pytest.raises(SsoLoginRequired):
            await connector.deliver(
                delivery_context(recorder, base_url, her_token, browsers=browsers), dibao
            )

        assert await records(base_url) == []
    assert recorder.heartbeats == [{"step": "looked_up"}, {"step": "filled"}]


async def test_when_the_hub_has_no_token_left_the_browser_never_asks_the_system(
    social_assistance: str, browsers: BrowserPool, recorder: DeliveryRecorder, dibao: Application
) -> None:
    async def expired() -> str:
        raise SsoLoginRequired("token expired before the delivery ran")

    ctx = recorder.context({"base_url": social_assistance}, browsers=browsers)
    ctx.sso_token = expired

    with pytest.raises(SsoLoginRequired):
        await connector.deliver(ctx, dibao)

    assert recorder.heartbeats == []
    assert await records(social_assistance) == []


async def test_a_form_without_the_dibao_answers_fails_before_her_token_is_read(
    social_assistance: str,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    her_token: TokenSource,
    application: Application,  # the 高龄津贴 form: no household size or income
) -> None:
    ctx = delivery_context(recorder, social_assistance, her_token, browsers=browsers)

    with pytest.raises(ConfigurationError):
        await connector.deliver(ctx, application)

    assert her_token.reads == 0


async def test_a_base_url_outside_the_allowed_hosts_gets_no_token(
    recorder: DeliveryRecorder, browsers: BrowserPool, her_token: TokenSource, dibao: Application
) -> None:
    ctx = delivery_context(
        recorder, "http://social-assistance.example.org", her_token, browsers=browsers
    )

    with pytest.raises(ConfigurationError):
        await connector.deliver(ctx, dibao)

    assert her_token.reads == 0


async def test_her_token_appears_in_no_heartbeat_and_no_receipt(
    social_assistance: str,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    her_token: TokenSource,
    dibao: Application,
) -> None:
    receipt = await connector.deliver(
        delivery_context(recorder, social_assistance, her_token, browsers=browsers), dibao
    )

    assert len(recorder.heartbeats) == 3  # looked up, filled, submitted
    assert her_token.token not in repr(recorder.heartbeats)
    assert her_token.token not in receipt.model_dump_json()


async def test_the_token_is_not_sent_to_any_other_host(browsers: BrowserPool) -> None:
    seen: list[str | None] = []
    elsewhere = FastAPI()

    @elsewhere.get("/pixel")
    def pixel(request: Request) -> dict[str, bool]:
        seen.append(request.headers.get("authorization"))
        return {"ok": True}

    headers = {"Authorization": "Bearer not-for-you"}
    with serve(elsewhere) as other:
        async with browsers.context(extra_http_headers=headers) as context:
            page = await context.new_page()
            await page.goto(f"{other}/pixel")  # unguarded: the header goes along
            await keep_to_target(context, "http://127.0.0.1:1")
            with pytest.raises(PlaywrightError, match="ERR_BLOCKED_BY_CLIENT"):
                await page.goto(f"{other}/pixel")

    assert seen == ["Bearer not-for-you"]
