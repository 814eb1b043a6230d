"""Every store test runs twice: on SQLite (the default) and on PostgreSQL.

Each test gets a freshly migrated database of its own: a new SQLite file in tmp_path, or a new
database in the session's throwaway PostgreSQL cluster (tests/_postgres.py). On PostgreSQL the
migrations run once, into a template database, and each test gets a copy of it: cloning takes a
few hundredths of a second where migrating takes a few tenths. The cluster only starts when a
PostgreSQL test runs (not under `-k sqlite`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from hub.crypto import FieldCipher
from hub.store import make_engine, migrate
from tests import _postgres, factories

TEMPLATE = "store_template"


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A database on a throwaway cluster that the migrations brought to head; never used as is."""
    with _postgres.running_postgres() as server:
        template = _postgres.create_database(server, TEMPLATE)
        migrate(template)
        yield template


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of this test's own database, migrated to the newest revision."""
    if request.param == "sqlite":
        url = factories.store_url(tmp_path)
        migrate(url)
        yield url
        return
    template: str = request.getfixturevalue("postgres_template")
    name = f"store_{uuid.uuid4().hex[:12]}"
    url = _postgres.create_database(template, name, template=TEMPLATE)
    yield url
    _postgres.drop_database(url)


@pytest.fixture
def engine_and_cipher(database_url: str) -> Iterator[tuple[Engine, FieldCipher]]:
    # Overrides tests/hub/conftest.py's SQLite-only fixture; `engine` and `cipher` build on it.
    engine = make_engine(database_url)
    yield engine, factories.make_cipher()
    engine.dispose()


@dataclass(frozen=True)
class RawStore:
    """What the database holds, read past SQLAlchemy: for checks of encryption at rest."""

    bytes: Callable[[], bytes]
    values: Callable[[], list[object]]


@pytest.fixture
def raw_store(database_url: str, tmp_path: Path) -> RawStore:
    if database_url.startswith("sqlite"):
        return RawStore(
            bytes=lambda: factories.raw_store_bytes(tmp_path),
            values=lambda: factories.raw_values(tmp_path),
        )
    return RawStore(
        bytes=lambda: _postgres.raw_bytes(database_url),
        values=lambda: _postgres.raw_values(database_url),
    )
