"""The simulated veterans system (with and without its CAPTCHA) and a veteran's application."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from connectors.sdk import Application
from connectors.veterans.tests._support import ACCOUNTS, VETERAN_ID, VETERAN_NAME
from simulators.veterans import create_app
from tests._servers import serve


@pytest.fixture
def veterans(tmp_path: Path) -> Iterator[str]:
    """The system's base URL, with its CAPTCHA, a fresh database and both workers' accounts."""
    with serve(create_app(db_path=tmp_path / "veterans.db", accounts=ACCOUNTS)) as base_url:
        yield base_url


@pytest.fixture
def veterans_without_captcha(tmp_path: Path) -> Iterator[str]:
    app = create_app(db_path=tmp_path / "veterans.db", accounts=ACCOUNTS, captcha=False)
    with serve(app) as base_url:
        yield base_url


@pytest.fixture
def veteran() -> Application:
    """A discharged soldier, 回族, no pension, with a hardship to report."""
    return Application(
        form_id="veterans-info",
        name=VETERAN_NAME,
        id_number=VETERAN_ID,
        sex="1",
        birth_date=date(1968, 4, 12),
        phone="13812345678",
        address="江苏省无锡市惠山区堰桥街道锡澄路88号",
        community_code="320206001001",
        community_name="堰桥街道锡澄社区",
        applied_on=date.today(),
        answers={
            "ethnic_group": "03",
            "enlisted_on": "1986-12-01",
            "discharged_on": "1990-12-01",
            "unit": "南京军区某部",
            "discharge_type": "4",
            "rank": "中士",
            "placement": "1",
            "receives_pension": "no",
            "hardship": "因病致困",
        },
    )
