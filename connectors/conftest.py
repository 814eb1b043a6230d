"""What the connectors' own tests share: one Chromium, a resident, and a recording context."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest

from connectors.sdk import Application, BrowserPool
from connectors.sdk.testing import DeliveryRecorder
from hub.settings import BrowserSettings

# 𠮷 (U+20BB7) lies outside the Basic Multilingual Plane: four bytes in UTF-8, a surrogate pair
# in UTF-16, so it is the name most likely to be mangled on the way to a target.
RARE_NAME = "𠮷祥英"
# Region 320206, born 1942-03-15, sequence 124 (even: female), check character X.
RARE_NAME_ID = "32020619420315124X"


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
