"""Standard token exchange on the real Keycloak: the hub trades a worker's token for one that
only the social-assistance system accepts, still naming her."""

from __future__ import annotations

import jwt
import pytest

from hub.auth import OidcClient
from hub.errors import CredentialsRejected
from identity import InvalidToken, TokenValidator
from tests._keycloak_login import login_with_password
from tests.identity._under_test import SOCIAL, KeycloakUnderTest

pytestmark = pytest.mark.e2e


def _hub(realm: KeycloakUnderTest) -> OidcClient:
    return OidcClient(
        issuer=realm.issuer,
        client_id=realm.client_id,
        client_secret=realm.client_secret,
        redirect_uri=realm.redirect_uri,
    )


def _access_token(realm: KeycloakUnderTest, username: str) -> str:
    tokens = login_with_password(
        keycloak_url=realm.url,
        realm=realm.realm,
        client_id=realm.client_id,
        client_secret=realm.client_secret,
        redirect_uri=realm.redirect_uri,
        username=username,
        password=realm.demo_password,
    )
    token: str = tokens["access_token"]
    return token


def test_her_token_is_exchanged_for_one_the_downstream_system_accepts(
    realm: KeycloakUnderTest,
) -> None:
    result = _hub(realm).exchange(_access_token(realm, "worker-a"), SOCIAL.client_id)
    exchanged = result.access_token

    # The system checks it against the realm's keys with itself as the audience.
    principal = TokenValidator(realm.issuer, SOCIAL.client_id).validate(exchanged)
    assert principal.username == "worker-a"
    assert principal.community_code == "320206104001"
    claims = jwt.decode(exchanged, options={"verify_signature": False})
    assert claims["aud"] in (SOCIAL.client_id, [SOCIAL.client_id])  # nothing else
    assert claims["azp"] == realm.client_id  # who asked for it
    # The hub keeps the token until this moment, and no longer.
    assert abs(result.expires_at.timestamp() - claims["exp"]) < 30


def test_the_exchanged_token_is_refused_by_the_hub_itself(realm: KeycloakUnderTest) -> None:
    exchanged = (
        _hub(realm).exchange(_access_token(realm, "worker-b"), SOCIAL.client_id).access_token
    )

    with pytest.raises(InvalidToken, match="(?i)audience"):
        TokenValidator(realm.issuer, realm.client_id).validate(exchanged)


def test_an_audience_the_hub_may_not_ask_for_is_refused(realm: KeycloakUnderTest) -> None:
    with pytest.raises(CredentialsRejected):
        _hub(realm).exchange(_access_token(realm, "worker-a"), "admin-cli")


def test_a_forged_subject_token_is_refused(realm: KeycloakUnderTest) -> None:
    token = _access_token(realm, "worker-a")
    head, body, signature = token.split(".")
    forged = ".".join([head, body, signature[::-1]])
    with pytest.raises(CredentialsRejected) as refused:
        _hub(realm).exchange(forged, SOCIAL.client_id)
    assert refused.value.user_message == "登录已过期，请重新登录门户后再提交"
