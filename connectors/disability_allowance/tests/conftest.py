"""The simulated 残疾人两项补贴管理系统 for the robot's tests, with a clock the tests can move, and
the resident of connectors/conftest.py applying for both subsidies."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from connectors.conftest import RARE_NAME, RARE_NAME_ID
from connectors.sdk import Application, Credentials
from connectors.sdk.testing import serve
from hub.clock import beijing_today
from simulators._conditions import Conditions
from simulators._storage import china_now
from simulators.disability import create_app

#: worker-a's own account at the system, and a colleague's: each files under her own name.
HERS = Credentials(login_name="yuqi-wanghong", password="Wanghong-2026!")
COLLEAGUES = Credentials(login_name="ruixing-lifang", password="Lifang-2026!")
WRONG_PASSWORD = Credentials(login_name=HERS.login_name, password="not-the-password")


class MovableClock:
    """China time now, plus however far a test has moved it (to age sessions)."""

    def __init__(self) -> None:
        self.ahead = timedelta()

    def __call__(self) -> datetime:
        return china_now() + self.ahead

    def move(self, seconds: float) -> None:
        self.ahead += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


SystemFactory = Callable[..., AbstractContextManager[str]]


@pytest.fixture
def start_system(tmp_path: Path, clock: MovableClock) -> SystemFactory:
    """Serve the system with a fresh database and both workers' accounts; yields its URL."""

    def start(conditions: Conditions | None = None) -> AbstractContextManager[str]:
        accounts = {a.login_name: a.password for a in (HERS, COLLEAGUES)}
        app = create_app(
            db_path=tmp_path / "disability.db",
            accounts=accounts,
            clock=clock,
            conditions=conditions,
        )
        return serve(app)

    return start


@pytest.fixture
def disability(start_system: SystemFactory) -> Iterator[str]:
    with start_system() as base_url:
        yield base_url


@pytest.fixture
def application() -> Application:
    """The 84-year-old woman with 𠮷 in her name, 一级肢体残疾, applying for both subsidies in
    玉祁街道 today."""
    return Application(
        form_id="disability-allowance",
        name=RARE_NAME,
        id_number=RARE_NAME_ID,
        sex="2",
        birth_date=date(1942, 3, 15),
        phone="13901000315",
        address="惠山区玉祁街道玉祁社区3幢101室",
        community_code="320206104001",
        community_name="玉祁社区",
        answers={
            "disability_card_no": f"{RARE_NAME_ID}41",
            "disability_category": "4",
            "disability_grade": "1",
            "subsidy_types": "living,care",
            "bank": "江苏银行",
            "bank_account": "6228480012345678901",
        },
        applied_on=beijing_today(),
    )


def config(base_url: str) -> dict[str, str]:
    # No login in the configuration: the account is the submitting worker's, from the vault.
    return {"base_url": base_url}


async def records(base_url: str) -> list[dict[str, object]]:
    async with httpx.AsyncClient(base_url=base_url) as http:
        response = await http.get("/_sim/records")
        response.raise_for_status()
        found: list[dict[str, object]] = response.json()
        return found


async def decide(base_url: str, receipt_no: str, body: dict[str, str]) -> None:
    async with httpx.AsyncClient(base_url=base_url) as http:
        answer = await http.post(f"/_sim/applications/{receipt_no}/decision", json=body)
        answer.raise_for_status()
