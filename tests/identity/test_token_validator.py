"""TokenValidator against tokens signed with a local RSA key; the JWKS never leaves the process."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from jwt.algorithms import RSAAlgorithm

from identity import InvalidToken, SigningKeysUnavailable, TokenValidator

ISSUER = "http://127.0.0.1:18080/realms/community"
AUDIENCE = "hub-portal"
KID = "test-key-1"


def _rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


SIGNING_KEY = _rsa_key()


class StaticJWKClient(jwt.PyJWKClient):
    """A PyJWKClient whose 'endpoint' is a dict in memory."""

    def __init__(self, jwks: dict[str, Any] | None) -> None:
        super().__init__("http://jwks.invalid/certs", cache_keys=True)
        self.jwks = jwks
        self.fetches = 0

    def fetch_data(self) -> Any:
        self.fetches += 1
        if self.jwks is None:
            raise jwt.PyJWKClientConnectionError("connection refused")
        return self.jwks


def _jwks(*keys: tuple[str, rsa.RSAPrivateKey]) -> dict[str, Any]:
    entries = []
    for kid, key in keys:
        jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
        entries.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
    return {"keys": entries}


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": [AUDIENCE, "account"],
        "sub": "5b0c1c2e-0000-4000-8000-000000000001",
        "typ": "Bearer",
        "iat": now,
        "exp": now + 300,
        "azp": AUDIENCE,
        "preferred_username": "worker-a",
        "name": "王 丽",
        "realm_access": {"roles": ["worker", "default-roles-community"]},
        "community_code": ["320206104001"],
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _token(claims: dict[str, Any], key: rsa.RSAPrivateKey = SIGNING_KEY, kid: str = KID) -> str:
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def _b64(part: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


@pytest.fixture
def jwk_client() -> StaticJWKClient:
    return StaticJWKClient(_jwks((KID, SIGNING_KEY)))


@pytest.fixture
def validator(jwk_client: StaticJWKClient) -> TokenValidator:
    return TokenValidator(ISSUER, AUDIENCE, jwks_client=jwk_client)


def test_valid_access_token_yields_principal_with_community(validator: TokenValidator) -> None:
    principal = validator.validate(_token(_claims()))

    assert principal.subject == "5b0c1c2e-0000-4000-8000-000000000001"
    assert principal.username == "worker-a"
    assert principal.name == "王 丽"
    assert principal.roles == frozenset({"worker", "default-roles-community"})
    assert principal.community_code == "320206104001"


def test_plain_string_community_code_is_accepted(validator: TokenValidator) -> None:
    principal = validator.validate(_token(_claims(community_code="320206104002")))

    assert principal.community_code == "320206104002"


def test_user_without_community_has_none(validator: TokenValidator) -> None:
    principal = validator.validate(_token(_claims(community_code=None, realm_access=None)))

    assert principal.community_code is None
    assert principal.roles == frozenset()


def test_keys_are_fetched_once_for_many_tokens(
    validator: TokenValidator, jwk_client: StaticJWKClient
) -> None:
    for _ in range(3):
        validator.validate(_token(_claims()))

    assert jwk_client.fetches == 1


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"exp": int(time.time()) - 10}, "expired"),
        ({"iss": "http://127.0.0.1:18080/realms/master"}, "issuer"),
        ({"aud": ["account"]}, "audience"),
        ({"typ": "Refresh"}, "not an access token"),
        ({"typ": "ID"}, "not an access token"),
        ({"typ": None}, "not an access token"),
        ({"sub": None}, "sub"),
        ({"community_code": ["320206104001", "320206104002"]}, "ambiguous"),
    ],
    ids=[
        "expired",
        "wrong-issuer",
        "wrong-audience",
        "refresh-token",
        "id-token",
        "no-typ",
        "no-subject",
        "two-communities",
    ],
)
def test_untrustworthy_token_is_rejected(
    validator: TokenValidator, overrides: dict[str, Any], reason: str
) -> None:
    with pytest.raises(InvalidToken) as caught:
        validator.validate(_token(_claims(**overrides)))

    assert reason in caught.value.reason.lower()


def test_forged_signature_is_rejected(validator: TokenValidator) -> None:
    forged = _token(_claims(), key=_rsa_key())  # same kid, another key

    with pytest.raises(InvalidToken, match="(?i)signature"):
        validator.validate(forged)


def test_tampered_payload_is_rejected(validator: TokenValidator) -> None:
    header, _, signature = _token(_claims()).split(".")
    other_payload = _token(_claims(preferred_username="it-admin")).split(".")[1]

    with pytest.raises(InvalidToken, match="(?i)signature"):
        validator.validate(f"{header}.{other_payload}.{signature}")


def test_unknown_key_id_is_rejected(validator: TokenValidator) -> None:
    with pytest.raises(InvalidToken, match="signing key"):
        validator.validate(_token(_claims(), kid="someone-elses-key"))


def test_hmac_token_keyed_with_the_public_key_is_rejected(validator: TokenValidator) -> None:
    # The classic algorithm-confusion attack: HS256 keyed with the (public) RSA key's PEM.
    # PyJWT refuses to build such a token, so it is assembled by hand.
    pem = SIGNING_KEY.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    signing_input = f"{_b64({'alg': 'HS256', 'typ': 'JWT', 'kid': KID})}.{_b64(_claims())}"
    mac = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    token = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"

    with pytest.raises(InvalidToken, match="alg value is not allowed"):
        validator.validate(token)


def test_garbage_is_rejected(validator: TokenValidator) -> None:
    with pytest.raises(InvalidToken):
        validator.validate("not.a.jwt")


def test_unreachable_keys_are_not_blamed_on_the_token() -> None:
    validator = TokenValidator(ISSUER, AUDIENCE, jwks_client=StaticJWKClient(None))

    with pytest.raises(SigningKeysUnavailable) as caught:
        validator.validate(_token(_claims()))

    assert caught.value.retryable


@pytest.mark.parametrize(
    ("claim", "expected"),
    [
        (["320206104", "320206", "3202"], "320206104"),
        (["3202", "320206"], "320206"),
        ("320206", "320206"),
        (["320206104", "320507"], None),  # two unrelated regions: no region scope at all
        (None, None),
    ],
)
def test_region_code_is_the_most_specific_of_the_group_chain(claim, expected) -> None:
    validator = TokenValidator(
        ISSUER, AUDIENCE, jwks_client=StaticJWKClient(_jwks((KID, SIGNING_KEY)))
    )
    principal = validator.validate(_token(_claims(region_code=claim)))
    assert principal.region_code == expected


def test_tokens_keep_validating_while_keycloak_restarts() -> None:
    client = StaticJWKClient(_jwks((KID, SIGNING_KEY)))
    client.jwk_set_cache.lifespan = 0.001  # type: ignore[union-attr]  # the key set goes stale
    validator = TokenValidator(ISSUER, AUDIENCE, jwks_client=client)
    validator.validate(_token(_claims()))
    time.sleep(0.01)

    client.jwks = None  # the key endpoint refuses connections now

    assert validator.validate(_token(_claims())).username == "worker-a"
    # A key it never saw is still refused, as unavailable rather than as a bad token.
    with pytest.raises(SigningKeysUnavailable):
        validator.validate(_token(_claims(), key=_rsa_key(), kid="new-key"))


def _logout_claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "5b0c1c2e-0000-4000-8000-000000000001",
        "sid": "keycloak-session-1",
        "typ": "Logout",
        "iat": now,
        "exp": now + 300,
        "jti": "e0a1",
        "events": {"http://schemas.openid.net/event/backchannel-logout": {}},
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def test_logout_token_names_the_subject_and_session(validator: TokenValidator) -> None:
    subject, sid = validator.logout_subject(_token(_logout_claims()))
    assert (subject, sid) == ("5b0c1c2e-0000-4000-8000-000000000001", "keycloak-session-1")


@pytest.mark.parametrize(
    "overrides",
    [
        {"events": None},
        {"events": {"http://schemas.openid.net/event/other": {}}},
        {"nonce": "abc"},
        {"aud": "another-client"},
        {"iss": "http://127.0.0.1:18080/realms/master"},
        {"typ": "Bearer"},
        {"sub": None},
    ],
    ids=["no-event", "wrong-event", "nonce", "audience", "issuer", "access-token", "no-subject"],
)
def test_untrustworthy_logout_token_is_rejected(
    validator: TokenValidator, overrides: dict[str, Any]
) -> None:
    with pytest.raises(InvalidToken):
        validator.logout_subject(_token(_logout_claims(**overrides)))


def test_logout_token_signed_by_another_key_is_rejected(validator: TokenValidator) -> None:
    with pytest.raises(InvalidToken):
        validator.logout_subject(_token(_logout_claims(), key=_rsa_key()))
