"""Verify Keycloak access tokens against the realm's published signing keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jwt

ALGORITHMS = ["RS256"]  # Keycloak's realm key; never "none" or HMAC, which a forger could use
_REQUIRED = ["exp", "iat", "iss"]


class TokenRejected(Exception):
    """The token cannot be trusted; the message says why (for logs, never for users)."""


class KeysUnavailable(Exception):
    """Keycloak's key endpoint did not answer: not the token's fault, and a retry can help."""


@dataclass(frozen=True)
class SsoUser:
    username: str  # preferred_username: what records name as submitted_by
    name: str


class TokenVerifier:
    def __init__(self, *, issuer: str, client_id: str, jwks_client: jwt.PyJWKClient) -> None:
        self._issuer = issuer
        self._client_id = client_id
        self._jwks = jwks_client

    def user(self, token: str, *, audience_required: bool) -> SsoUser:
        """The user of a valid access token; raises TokenRejected or KeysUnavailable.

        audience_required: `aud` must name this system, as it does in a token obtained by token
        exchange for it (robots). Without it, `azp` naming this system is enough too: the token
        a person's own log-in returns often carries aud "account" and azp = our client id.
        May block while the keys are fetched (first use, or a new key id).
        """
        claims = self._verified_claims(token)
        if claims.get("typ") != "Bearer":
            # ID and refresh tokens are signed by the same key and carry the same issuer.
            raise TokenRejected(f"not an access token (typ={claims.get('typ')!r})")
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        ours = self._client_id in audiences
        if not ours and (audience_required or claims.get("azp") != self._client_id):
            raise TokenRejected(f"not issued for {self._client_id} (aud={audience!r})")
        username = claims.get("preferred_username")
        if not isinstance(username, str) or not username:
            raise TokenRejected("no preferred_username")
        name = claims.get("name")
        return SsoUser(username=username, name=name if isinstance(name, str) and name else username)

    def _verified_claims(self, token: str) -> dict[str, Any]:
        try:
            key = self._jwks.get_signing_key_from_jwt(token)
        except jwt.PyJWKClientConnectionError as exc:
            raise KeysUnavailable(str(exc)) from exc
        except (jwt.PyJWKClientError, jwt.DecodeError) as exc:
            raise TokenRejected(f"no usable signing key: {exc}") from exc
        try:
            # The audience is checked by hand above: PyJWT's check cannot fall back to azp.
            return jwt.decode(
                token,
                key=key,
                algorithms=ALGORITHMS,
                issuer=self._issuer,
                options={"require": _REQUIRED, "verify_aud": False},
            )
        except jwt.PyJWTError as exc:
            raise TokenRejected(str(exc)) from exc
