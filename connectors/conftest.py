"""What the connectors' own tests share: one Chromium, a resident, and a recording context."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import date
from typing import Any

import pytest

from connectors.sdk import Application, BrowserPool, Credentials, DeliveryContext
from hub.errors import CredentialsRejected
from hub.settings import BrowserSettings

# 𠮷 (U+20BB7) lies outside the Basic Multilingual Plane: four bytes in UTF-8, a surrogate pair
# in UTF-16, so it is the name most likely to be mangled on the way to a target.
RARE_NAME = "𠮷祥英"
# Region 320206, born 1942-03-15, sequence 124 (even: female), check character X.
RARE_NAME_ID = "32020619420315124X"


class DeliveryRecorder:
    """Builds DeliveryContexts whose callbacks remember what the connector reported."""

    def __init__(self) -> None:
        self.heartbeats: list[Any] = []
        self.evidence: list[tuple[bytes, str]] = []
        self.credential_reads = 0

    def context(
        self,
        config: Mapping[str, str],
        *,
        idempotency_key: str = "sub-0001:connector",
        browsers: BrowserPool | None = None,
        previous: Mapping[str, Any] | None = None,
        account: Credentials | None = None,
    ) -> DeliveryContext:
        """account: what ctx.credentials() hands out, as the hub's vault would for the worker
        who submitted; None: she has bound none (the hub then raises CredentialsRejected)."""

        async def credentials() -> Credentials:
            self.credential_reads += 1
            if account is None:
                raise CredentialsRejected("no credential bound", user_message="请先绑定账号")
            return account

        return DeliveryContext(
            idempotency_key=idempotency_key,
            config=config,
            heartbeat=self._heartbeat,
            save_evidence=self._save_evidence,
            browsers=browsers,
            previous=previous or {},
            credentials=credentials,
        )

    def _heartbeat(self, *details: Any) -> None:
        # Temporal's activity.heartbeat takes any number of details; the hub reads the first.
        self.heartbeats.append(details[0] if details else None)

    async def _save_evidence(self, content: bytes, content_type: str) -> str:
        self.evidence.append((content, content_type))
        return f"evidence-{len(self.evidence)}"


@pytest.fixture(scope="session")
async def browsers() -> AsyncIterator[BrowserPool]:
    """One Chromium for the whole session, as a worker process has."""
    pool = BrowserPool(executable=BrowserSettings().executable)
    try:
        yield pool
    finally:
        await pool.close()


@pytest.fixture
def recorder() -> DeliveryRecorder:
    return DeliveryRecorder()


@pytest.fixture
def application() -> Application:
    """An 84-year-old woman with a rare character in her name, applying today."""
    return Application(
        form_id="elderly-allowance",
        name=RARE_NAME,
        id_number=RARE_NAME_ID,
        sex="2",
        birth_date=date(1942, 3, 15),
        phone="13901000315",
        address="江苏省无锡市惠山区堰桥街道锡澄路88号",
        community_code="320206001001",
        community_name="堰桥街道锡澄社区",
        answers={
            "allowance_type": "80-89",
            "bank": "江苏银行",
            "bank_account": "6228480012345678901",
        },
        applied_on=date.today(),
    )
