"""Validate Keycloak access tokens locally against the realm's published signing keys."""

from __future__ import annotations

from typing import Any

import jwt
from pydantic import BaseModel, ConfigDict

from hub.errors import HubError, Unauthenticated
from identity.realm import COMMUNITY_CODE, REGION_CODE

ALGORITHMS = ["RS256"]  # Keycloak's default realm key; never accept "none" or HMAC here
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub"]
# Keys are re-read at most this often; an unknown `kid` (key rotation) still forces a fetch.
JWKS_LIFESPAN_S = 300
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"


class InvalidToken(Unauthenticated):
    """The bearer token cannot be trusted; `reason` says why (for logs, not for users)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"invalid token: {reason}")
        self.reason = reason


class SigningKeysUnavailable(HubError):
    """Keycloak's key endpoint did not answer: a retry can help, a new login cannot."""

    status_code = 503
    retryable = True
    user_message = "统一登录服务暂时无法访问，请稍后再试"


class Principal(BaseModel):
    """Who is calling, as the access token says."""

    model_config = ConfigDict(frozen=True)

    subject: str
    username: str
    name: str
    roles: frozenset[str]
    community_code: str | None = None
    #: The most specific region the user belongs to, as a prefix of statistical codes
    #: (street 320206104, district 320206, city 3202): what street and district viewers see.
    region_code: str | None = None


class TokenValidator:
    def __init__(
        self,
        issuer: str,
        audience: str,
        jwks_url: str | None = None,
        *,
        jwks_client: jwt.PyJWKClient | None = None,
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self._jwks = jwks_client or jwt.PyJWKClient(
            jwks_url or f"{issuer}/protocol/openid-connect/certs",
            cache_keys=True,
            lifespan=JWKS_LIFESPAN_S,
            timeout=10,
        )

    def validate(self, token: str) -> Principal:
        """Return the caller of a valid access token; raise `InvalidToken` otherwise.

        May block on the first call (or after a key rotation) while the keys are fetched.
        """
        claims = self._verified_claims(token)
        # ID and refresh tokens are signed by the same key and carry the same issuer.
        if claims.get("typ") != "Bearer":
            raise InvalidToken(f"not an access token (typ={claims.get('typ')!r})")
        return _principal(claims)

    def logout_subject(self, token: str) -> tuple[str, str | None]:
        """(subject, Keycloak session id) of a valid back-channel logout token.

        OpenID Connect Back-Channel Logout 1.0: signed by the realm, for our client, carrying
        the logout event, never a nonce.
        """
        claims = self._verified_claims(token, required=["iat", "iss", "aud", "events"])
        if claims.get("typ") not in (None, "Logout"):
            raise InvalidToken(f"not a logout token (typ={claims.get('typ')!r})")
        events = claims.get("events")
        if not isinstance(events, dict) or BACKCHANNEL_EVENT not in events:
            raise InvalidToken("logout token without the back-channel logout event")
        if "nonce" in claims:
            raise InvalidToken("logout token with a nonce")
        subject, sid = claims.get("sub"), claims.get("sid")
        if not isinstance(subject, str):
            raise InvalidToken("logout token without a subject")
        return subject, sid if isinstance(sid, str) else None

    def _verified_claims(self, token: str, required: list[str] = REQUIRED_CLAIMS) -> dict[str, Any]:
        key = self._signing_key(token)
        try:
            return jwt.decode(
                token,
                key=key,
                algorithms=ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                options={"require": required},
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from exc

    def _signing_key(self, token: str) -> jwt.PyJWK:
        # cache_keys keeps every key seen by kid for the life of the process, so tokens signed
        # by a known key keep validating while Keycloak restarts; only a new kid needs it up.
        try:
            return self._jwks.get_signing_key_from_jwt(token)
        except jwt.PyJWKClientConnectionError as exc:
            raise SigningKeysUnavailable(str(exc)) from exc
        except (jwt.PyJWKClientError, jwt.DecodeError) as exc:
            raise InvalidToken(f"no usable signing key: {exc}") from exc


def _principal(claims: dict[str, Any]) -> Principal:
    username = claims.get("preferred_username") or claims["sub"]
    realm_access = claims.get("realm_access") or {}
    return Principal(
        subject=claims["sub"],
        username=username,
        name=claims.get("name") or username,
        roles=frozenset(realm_access.get("roles", [])),
        community_code=_community_code(claims.get(COMMUNITY_CODE)),
        region_code=_most_specific(claims.get(REGION_CODE)),
    )


def _community_code(value: object) -> str | None:
    # The mapper emits one string; a list means the user sits in two communities, and guessing
    # which one they act for would leak the other's residents.
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
        return value[0]
    raise InvalidToken(f"ambiguous {COMMUNITY_CODE} claim: {value!r}")


def _most_specific(value: object) -> str | None:
    # The claim lists the user's group chain (street, district, city). A user in two unrelated
    # regions would get the longer one only if it lies inside the other; otherwise none.
    codes = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    codes = sorted((c for c in codes if isinstance(c, str) and c.isdigit()), key=len)
    if not codes or any(not codes[-1].startswith(c) for c in codes):
        return None
    return codes[-1]
