"""Provisioning against a real Keycloak: creates everything once, then changes nothing."""

from __future__ import annotations

import pytest
from keycloak import KeycloakAdmin

from identity import ProvisionReport
from tests.identity._under_test import KeycloakUnderTest

pytestmark = pytest.mark.e2e

YUQI = "/无锡市/惠山区/玉祁街道/玉祁社区"


def _admin(keycloak: KeycloakUnderTest) -> KeycloakAdmin:
    admin = KeycloakAdmin(
        server_url=keycloak.url,
        username=keycloak.admin_user,
        password=keycloak.admin_password,
        realm_name="master",
        user_realm_name="master",
    )
    admin.change_current_realm(keycloak.realm)
    return admin


def test_first_run_creates_realm_hierarchy_client_and_users(
    provision_runs: tuple[ProvisionReport, ProvisionReport],
) -> None:
    first, _ = provision_runs

    assert "realm community" in first.created
    assert f"group {YUQI}" in first.created
    assert "group /无锡市/惠山区/玉祁街道/瑞星社区" in first.created
    assert "client hub-portal" in first.created
    assert {"mapper hub-portal/community_code", "mapper hub-portal/audience-hub-portal"} <= set(
        first.created
    )
    assert {f"user {name}" for name in ("worker-a", "worker-b", "it-admin", "operator")} <= set(
        first.created
    )
    assert not [item for item in first.updated if item.startswith(("realm", "client", "group"))]


def test_second_run_changes_nothing(
    provision_runs: tuple[ProvisionReport, ProvisionReport],
) -> None:
    _, second = provision_runs

    assert not second.changed, str(second)


def test_drift_is_repaired_and_reported(realm: KeycloakUnderTest) -> None:
    admin = _admin(realm)
    group = admin.get_group_by_path(YUQI)
    admin.update_group(group["id"], {"name": "玉祁社区", "attributes": {"community_code": ["x"]}})
    client_uuid = admin.get_client_id(realm.client_id)
    assert client_uuid is not None
    admin.update_client(client_uuid, {"directAccessGrantsEnabled": True})
    user_id = admin.get_user_id("worker-b")
    assert user_id is not None
    admin.set_user_password(user_id, "something-else", temporary=False)

    repaired = realm.provision()

    assert repaired.created == []
    assert sorted(repaired.updated) == sorted(
        [f"group {YUQI}", "client hub-portal", "user worker-b password"]
    )
    assert admin.get_group_by_path(YUQI)["attributes"] == {"community_code": ["320206104001"]}
    assert not realm.provision().changed
