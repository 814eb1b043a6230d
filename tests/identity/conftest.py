"""A real Keycloak for the identity tests: one per session, on a free port, with a fresh DB."""

from __future__ import annotations

import secrets
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# `tests` is not a package and the suite sets no pythonpath yet; the shared helpers in
# tests/_keycloak_login.py are imported as `tests.…`, so the project root must be importable.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from hub.devstack._keycloak import start_keycloak  # noqa: E402
from hub.settings import KeycloakSettings  # noqa: E402
from identity import ProvisionReport, TokenValidator  # noqa: E402
from tests._servers import free_ports  # noqa: E402
from tests.identity._under_test import KeycloakUnderTest  # noqa: E402

HOST = "127.0.0.1"


@pytest.fixture(scope="session")
def keycloak(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KeycloakUnderTest]:
    data_dir = tmp_path_factory.mktemp("keycloak")
    [port] = free_ports(1)
    under_test = KeycloakUnderTest(
        url=f"http://{HOST}:{port}",
        admin_user="admin",
        admin_password=secrets.token_urlsafe(16),
        client_secret=secrets.token_urlsafe(24),
        # Meets the realm's password policy: upper, lower, digit, special, 10+ characters.
        demo_password="Demo-7a" + secrets.token_urlsafe(8),
    )
    service = start_keycloak(
        version=KeycloakSettings().version,
        cache_dir=ROOT / ".cache" / "keycloak",
        host=HOST,
        port=port,
        data_dir=data_dir,
        admin_user=under_test.admin_user,
        admin_password=under_test.admin_password,
        log_path=data_dir / "keycloak.log",
    )
    try:
        yield under_test
    finally:
        service.stop()


@pytest.fixture(scope="session")
def provision_runs(keycloak: KeycloakUnderTest) -> tuple[ProvisionReport, ProvisionReport]:
    """The realm provisioned twice in a row: (first report, second report)."""
    return keycloak.provision(), keycloak.provision()


@pytest.fixture(scope="session")
def realm(
    keycloak: KeycloakUnderTest, provision_runs: tuple[ProvisionReport, ProvisionReport]
) -> KeycloakUnderTest:
    """Keycloak with the community realm in place."""
    return keycloak


@pytest.fixture(scope="session")
def validator(realm: KeycloakUnderTest) -> TokenValidator:
    return TokenValidator(issuer=realm.issuer, audience=realm.client_id)
