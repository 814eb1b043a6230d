"""The demo street (two communities) in a freshly migrated store, on SQLite and PostgreSQL, and
the bundled collection and questionnaire forms."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from hub.crypto import FieldCipher
from hub.demo import seed_demo
from hub.forms import FORMS, FormTemplate
from hub.requests import Sender
from hub.store import session_scope
from tests.factories import DEMO_CIVIL_ACCOUNTS, make_vault
from tests.hub.store.conftest import (  # noqa: F401  (fixtures: both databases)
    database_url,
    engine_and_cipher,
    postgres_template,
    raw_store,
)

TODAY = date.today()
DEADLINE = TODAY + timedelta(days=7)
STREET = "320206104"
YUQI, RUIXING = "320206104001", "320206104002"
#: 周涛, who sends for 玉祁街道.
STREET_USER = Sender(
    username="street-viewer",
    name="周涛",
    roles=frozenset({"street_viewer", "requester"}),
    region_code=STREET,
)


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


@pytest.fixture
def collection() -> FormTemplate:
    return FORMS["collect-elderly-80"]


@pytest.fixture
def questionnaire() -> FormTemplate:
    return FORMS["survey-home-care"]
