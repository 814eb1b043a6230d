"""Log in through the real Keycloak login page (authorization code + PKCE) and validate tokens."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from identity import InvalidToken, TokenValidator
from tests._keycloak_login import LoginRejected, login_with_password
from tests.identity._under_test import KeycloakUnderTest

pytestmark = pytest.mark.e2e


def _login(realm: KeycloakUnderTest, username: str, password: str | None = None) -> dict[str, Any]:
    return login_with_password(
        keycloak_url=realm.url,
        realm=realm.realm,
        client_id=realm.client_id,
        client_secret=realm.client_secret,
        redirect_uri=realm.redirect_uri,
        username=username,
        password=realm.demo_password if password is None else password,
    )


def test_worker_a_acts_for_yuqi_community(
    realm: KeycloakUnderTest, validator: TokenValidator
) -> None:
    principal = validator.validate(_login(realm, "worker-a")["access_token"])

    assert principal.username == "worker-a"
    assert principal.name == "王 丽"
    assert principal.community_code == "320206104001"
    assert "worker" in principal.roles
    assert "it_admin" not in principal.roles


def test_worker_b_acts_for_ruixing_community(
    realm: KeycloakUnderTest, validator: TokenValidator
) -> None:
    principal = validator.validate(_login(realm, "worker-b")["access_token"])

    assert principal.community_code == "320206104002"
    assert "worker" in principal.roles


def test_street_and_district_viewers_carry_their_region_not_a_community(
    realm: KeycloakUnderTest, validator: TokenValidator
) -> None:
    street = validator.validate(_login(realm, "street-viewer")["access_token"])
    district = validator.validate(_login(realm, "district-viewer")["access_token"])

    assert (street.community_code, street.region_code) == (None, "320206104")
    assert (district.community_code, district.region_code) == (None, "320206")
    assert "street_viewer" in street.roles and "district_viewer" in district.roles


def test_community_admin_has_both_roles_in_her_community(
    realm: KeycloakUnderTest, validator: TokenValidator
) -> None:
    principal = validator.validate(_login(realm, "admin-a")["access_token"])

    assert principal.community_code == "320206104001"
    assert {"worker", "community_admin"} <= principal.roles


def test_it_admin_belongs_to_no_community(
    realm: KeycloakUnderTest, validator: TokenValidator
) -> None:
    principal = validator.validate(_login(realm, "it-admin")["access_token"])

    assert principal.community_code is None
    assert "it_admin" in principal.roles
    assert "worker" not in principal.roles


def test_id_token_is_not_accepted_as_access_token(
    realm: KeycloakUnderTest, validator: TokenValidator
) -> None:
    tokens = _login(realm, "worker-a")

    with pytest.raises(InvalidToken):
        validator.validate(tokens["id_token"])
    with pytest.raises(InvalidToken):
        validator.validate(tokens["refresh_token"])


def test_wrong_password_yields_no_code(realm: KeycloakUnderTest) -> None:
    with pytest.raises(LoginRejected) as caught:
        _login(realm, "worker-a", password="not-the-password")

    assert "HTTP 200" in str(caught.value)  # the login page again, not a redirect to the hub


def test_portal_client_refuses_password_grant(realm: KeycloakUnderTest) -> None:
    answer = httpx.post(
        f"{realm.issuer}/protocol/openid-connect/token",
        data={
            "grant_type": "password",
            "client_id": realm.client_id,
            "client_secret": realm.client_secret,
            "username": "worker-a",
            "password": realm.demo_password,
        },
    )

    assert answer.status_code == 400
    assert answer.json()["error"] == "unauthorized_client"


def test_authorization_request_without_pkce_is_refused(realm: KeycloakUnderTest) -> None:
    answer = httpx.get(
        f"{realm.issuer}/protocol/openid-connect/auth",
        params={
            "client_id": realm.client_id,
            "response_type": "code",
            "scope": "openid",
            "redirect_uri": realm.redirect_uri,
            "state": "s",
        },
    )

    # Keycloak sends the error back to the (registered) redirect URI instead of a login form.
    assert answer.status_code == 302
    location = answer.headers["location"]
    assert location.startswith(realm.redirect_uri)
    assert "error=invalid_request" in location
    assert "code=" not in location
