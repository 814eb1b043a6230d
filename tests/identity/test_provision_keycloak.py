"""Provisioning against a real Keycloak: creates everything once, then changes nothing."""

from __future__ import annotations

import httpx
import pytest
from keycloak import KeycloakAdmin, KeycloakPutError

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
    admin.set_user_password(user_id, "Something-else-9", temporary=False)

    plan = realm.provision(dry_run=True)

    # The plan names each drifted field and changes nothing.
    assert sorted(plan.updated) == sorted(
        [f"group {YUQI}", "client hub-portal", "user worker-b password"]
    )
    assert plan.details["client hub-portal"] == ["directAccessGrantsEnabled: True → False"]
    assert plan.details[f"group {YUQI}"] == ["attributes.community_code: ['x'] → ['320206104001']"]
    assert "would update client hub-portal" in str(plan)
    assert admin.get_group_by_path(YUQI)["attributes"] == {"community_code": ["x"]}
    assert realm.provision(dry_run=True).updated == plan.updated

    repaired = realm.provision()

    assert repaired.created == []
    assert sorted(repaired.updated) == sorted(
        [f"group {YUQI}", "client hub-portal", "user worker-b password"]
    )
    assert admin.get_group_by_path(YUQI)["attributes"] == {"community_code": ["320206104001"]}
    assert not realm.provision().changed


def test_plan_after_apply_finds_no_drift(realm: KeycloakUnderTest) -> None:
    plan = realm.provision(dry_run=True)
    assert not plan.changed, str(plan)
    assert str(plan) == "no changes"


def test_password_policy_refuses_a_weak_password(realm: KeycloakUnderTest) -> None:
    admin = _admin(realm)
    user_id = admin.get_user_id("it-admin")
    assert user_id is not None
    for weak in ("short1!A", "alllowercase-123", "NoDigitsHere-!", "NOLOWERCASE-123"):
        with pytest.raises(KeycloakPutError):
            admin.set_user_password(user_id, weak, temporary=False)


def test_repeated_wrong_passwords_lock_the_account_for_a_while(realm: KeycloakUnderTest) -> None:
    admin = _admin(realm)
    user_id = admin.create_user(
        {
            "username": "brute-target",
            "enabled": True,
            "firstName": "试",
            "lastName": "验",
            "email": "brute-target@example.test",
            "emailVerified": True,
            "credentials": [{"type": "password", "value": "Right-pass-2026", "temporary": False}],
        }
    )
    token_url = f"{realm.issuer}/protocol/openid-connect/token"

    def attempt(password: str) -> int:
        form = {
            "grant_type": "password",
            "client_id": "admin-cli",
            "username": "brute-target",
            "password": password,
        }
        return httpx.post(token_url, data=form, timeout=30).status_code

    assert attempt("Right-pass-2026") == 200
    for _ in range(5):
        assert attempt("Wrong-pass-2026") != 200
    status = admin.get_bruteforce_detection_status(user_id)
    assert status["disabled"] is True, status
    # Locked: even the right password is refused until the wait is over (or an admin clears it).
    assert attempt("Right-pass-2026") != 200
    admin.clear_bruteforce_attempts_for_user(user_id)
    assert attempt("Right-pass-2026") == 200
