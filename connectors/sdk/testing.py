"""What a connector's own tests need, without the hub: a recording DeliveryContext, a way to
serve a stand-in target over real HTTP, and a sample application for each bundled form.

A connector shipped as a separate pip package tests itself with these (``python -m connectors
scaffold`` writes tests that do).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import Any

import uvicorn
from starlette.types import ASGIApp

from connectors.sdk._api_testing import (
    answering,
    api_config,
    free_port,
    lagging_lookup,
    post_json,
    sim_decide,
    sim_records,
)
from connectors.sdk._browser import BrowserPool
from connectors.sdk._connector import Application, Credentials, DeliveryContext, HumanQuestion
from hub.errors import CredentialsRejected, SsoLoginRequired

__all__ = [
    "HOST",
    "SAMPLE_ANSWERS",
    "DeliveryRecorder",
    "answering",
    "api_config",
    "free_port",
    "lagging_lookup",
    "post_json",
    "sample_application",
    "serve",
    "sim_decide",
    "sim_records",
]

#: What each bundled form asks beyond the resident's facts, as the portal would have checked it.
SAMPLE_ANSWERS: dict[str, dict[str, str]] = {
    "elderly-allowance": {
        "allowance_type": "90-99",  # the sample resident is 90
        "bank": "江苏银行",
        "bank_account": "6228480402564890018",
    },
    "disability-allowance": {
        "disability_card_no": "32020619360708002541",
        "disability_category": "4",
        "disability_grade": "1",
        "subsidy_types": "living,care",
        "bank": "江苏银行",
        "bank_account": "6228480402564890018",
    },
    "veterans-info": {
        "ethnic_group": "01",
        "enlisted_on": "1954-03-01",
        "discharged_on": "1958-03-01",
        "unit": "南京军区某部",
        "discharge_type": "3",
        "rank": "战士",
        "placement": "2",
        "receives_pension": "yes",
        "hardship": "",
    },
    "house-safety": {
        "structure": "砖混",
        "built_year": "1985",
        "floors": "3",
        "safety_level": "C",
        "hazards": "北侧承重墙斜向开裂，屋面渗漏",
        "inspector": "王红",
    },
    "minimum-living": {
        "household_size": "2",
        "monthly_income": "520.00",
        "application_reason": "因病丧失劳动能力，无固定收入",
    },
}


def sample_application(form_id: str, **facts: Any) -> Application:
    """A valid application of a bundled form, for a woman of 90 in 玉祁街道; facts override."""
    values: dict[str, Any] = {
        "form_id": form_id,
        "name": "王秀英",
        "id_number": "320206193607080025",
        "sex": "2",
        "birth_date": date(1936, 7, 8),
        "phone": "13812345678",
        "address": "江苏省无锡市惠山区堰桥街道锡澄路88号",
        "community_code": "320206104001",
        "community_name": "玉祁社区",
        "applied_on": date.today(),
        "answers": SAMPLE_ANSWERS.get(form_id, {}),
    }
    return Application(**(values | facts))


class DeliveryRecorder:
    """Builds DeliveryContexts whose callbacks remember what the connector reported."""

    def __init__(self) -> None:
        self.heartbeats: list[Any] = []
        self.evidence: list[tuple[bytes, str]] = []
        self.credential_reads = 0
        self.token_reads = 0
        #: What ctx.keep_login_state() kept, per account, handed out again by ctx.login_state()
        #: to contexts with that account (as the hub's vault does).
        self.saved_logins: dict[str, dict[str, Any]] = {}
        self.logins_kept = 0

    def context(
        self,
        config: Mapping[str, str],
        *,
        idempotency_key: str = "sub-0001:connector",
        browsers: BrowserPool | None = None,
        previous: Mapping[str, Any] | None = None,
        account: Credentials | None = None,
        sso_token: str | None = None,
        ask_human: Callable[[HumanQuestion], Awaitable[str]] | None = None,
    ) -> DeliveryContext:
        """account: what ctx.credentials() hands out, as the hub's vault would for the worker
        who submitted; None: she has bound none (the hub then raises CredentialsRejected).
        sso_token: what ctx.sso_token() hands out (None: the hub holds none for her, and it
        raises SsoLoginRequired). ask_human: who answers a CAPTCHA (None: nobody can)."""

        async def credentials() -> Credentials:
            self.credential_reads += 1
            if account is None:
                raise CredentialsRejected("no credential bound", user_message="请先绑定账号")
            return account

        async def token() -> str:
            self.token_reads += 1
            if sso_token is None:
                raise SsoLoginRequired("no delegated token")
            return sso_token

        ctx = DeliveryContext(
            idempotency_key=idempotency_key,
            config=config,
            heartbeat=self._heartbeat,
            save_evidence=self._save_evidence,
            browsers=browsers,
            previous=previous or {},
            credentials=credentials,
            sso_token=token,
        )
        if ask_human is not None:
            ctx.ask_human = ask_human
        if account is not None:
            key = account.login_name

            async def login_state() -> dict[str, Any] | None:
                return self.saved_logins.get(key)

            async def keep_login_state(state: dict[str, Any]) -> None:
                self.saved_logins[key] = state
                self.logins_kept += 1

            ctx.login_state, ctx.keep_login_state = login_state, keep_login_state
        return ctx

    def _heartbeat(self, *details: Any) -> None:
        # Temporal's activity.heartbeat takes any number of details; the hub reads the first.
        self.heartbeats.append(details[0] if details else None)

    async def _save_evidence(self, content: bytes, content_type: str) -> str:
        self.evidence.append((content, content_type))
        return f"evidence-{len(self.evidence)}"


HOST = "127.0.0.1"
_START_TIMEOUT_S = 15.0
_STOP_TIMEOUT_S = 10.0


class _ThreadServer(uvicorn.Server):
    """A uvicorn server that leaves signals alone: they belong to pytest's main thread."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextmanager
def serve(app: ASGIApp) -> Iterator[str]:
    """Run app on 127.0.0.1 and a free port; yield its base URL; stop the server on exit."""
    # Bind the socket here rather than pick a free port for uvicorn to bind later: nothing else
    # can take the port in between.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    port = sock.getsockname()[1]
    # No access log (query strings carry ID numbers) and no log_config, so that uvicorn does not
    # reconfigure logging under pytest.
    config = uvicorn.Config(
        app, log_config=None, access_log=False, log_level="warning", timeout_graceful_shutdown=5
    )
    server = _ThreadServer(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"uvicorn:{port}", daemon=True
    )
    thread.start()
    try:
        _wait_until_started(server, thread)
        yield f"http://{HOST}:{port}"
    finally:
        server.should_exit = True
        thread.join(_STOP_TIMEOUT_S)
        if thread.is_alive():
            # Connections that would not close: stop waiting for them.
            server.force_exit = True
            thread.join(_STOP_TIMEOUT_S)
        sock.close()


def _wait_until_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + _START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the server stopped while starting (see the log above)")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server did not start within {_START_TIMEOUT_S:.0f}s")
        time.sleep(0.01)
