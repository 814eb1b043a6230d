"""The hub app on a migrated, seeded store, with tokens from a local key (no Keycloak, no
Temporal: these tests are about the hub's own checks)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hub._state import HubState
from hub.app import create_app
from hub.demo import COMMUNITY_A, COMMUNITY_B, seed_demo
from hub.settings import Settings
from hub.store import make_engine, migrate, session_scope
from identity import TokenValidator
from tests._tokens import TokenMint


@dataclass
class Api:
    client: TestClient
    mint: TokenMint
    settings: Settings
    state: HubState

    def as_worker_a(self) -> dict[str, str]:
        return self.mint.headers("worker-a", roles=["worker"], community=COMMUNITY_A.code)

    def as_worker_b(self) -> dict[str, str]:
        return self.mint.headers("worker-b", roles=["worker"], community=COMMUNITY_B.code)

    def as_operator(self) -> dict[str, str]:
        return self.mint.headers("operator", roles=["operator"])


@contextmanager
def running_api(data_dir: Path) -> Iterator[Api]:
    """The hub on a migrated, seeded SQLite store in data_dir, trusting locally minted tokens."""
    settings = Settings(environment="test", data_dir=data_dir)
    migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    app = create_app(settings)
    state = app.state.hub
    with session_scope(engine) as session:
        seed_demo(
            session=session,
            cipher=state.cipher,
            vault=state.vault,
            civil_accounts=settings.simulators.civil_accounts,
        )
    mint = TokenMint(issuer=settings.keycloak.issuer, audience=settings.keycloak.client_id)
    state.validator = TokenValidator(
        settings.keycloak.issuer, settings.keycloak.client_id, jwks_client=mint.jwks_client
    )
    # No `with`: the lifespan (which connects to Temporal) does not run here.
    try:
        yield Api(TestClient(app), mint, settings, state)
    finally:
        engine.dispose()


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    with running_api(tmp_path) as running:
        yield running
