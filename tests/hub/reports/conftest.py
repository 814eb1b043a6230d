"""The demo street in a freshly migrated store, and the shipped report definitions.

Like the store's own tests, every report test runs on SQLite and on PostgreSQL: the fixtures
below come from tests/hub/store/conftest.py.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from hub.crypto import FieldCipher
from hub.demo import seed_demo
from hub.reports import REPORTS_DIR, ReportDefinition, ReportResult, load_definitions, run_report
from hub.store import session_scope
from tests.factories import DEMO_CIVIL_ACCOUNTS, make_vault
from tests.hub.store.conftest import (  # noqa: F401  (fixtures: both databases)
    database_url,
    engine_and_cipher,
    postgres_template,
)

TODAY = date.today()


@pytest.fixture
def demo(engine: Engine, cipher: FieldCipher) -> Engine:
    with session_scope(engine) as session:
        seed_demo(
            session=session,
            cipher=cipher,
            vault=make_vault(),
            civil_accounts=DEMO_CIVIL_ACCOUNTS,
        )
    return engine


@pytest.fixture(scope="session")
def definitions() -> dict[str, ReportDefinition]:
    return load_definitions(REPORTS_DIR)


def run(
    engine: Engine,
    cipher: FieldCipher,
    definition: ReportDefinition,
    community: str,
    **params: str,
) -> ReportResult:
    with Session(engine) as session:
        return run_report(
            definition,
            session=session,
            cipher=cipher,
            community=community,
            params=params,
            today=TODAY,
        )
