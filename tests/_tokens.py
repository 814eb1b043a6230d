"""Access tokens signed by a local RSA key, and a JWKS client that serves it from memory.

For tests of the hub's own authorization and of the systems that trust the realm (the
simulators); tests of Keycloak itself use the real server.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

_KID = "local-test-key"


class LocalJWKClient(jwt.PyJWKClient):
    def __init__(self, key: rsa.RSAPrivateKey) -> None:
        super().__init__("http://jwks.invalid/certs", cache_keys=True)
        jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
        self._jwks = {"keys": [{**jwk, "kid": _KID, "use": "sig", "alg": "RS256"}]}

    def fetch_data(self) -> Any:
        return self._jwks


class TokenMint:
    def __init__(self, *, issuer: str, audience: str) -> None:
        self.issuer, self.audience = issuer, audience
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.jwks_client = LocalJWKClient(self.key)

    def token(
        self,
        username: str,
        *,
        roles: list[str],
        community: str | None = None,
        regions: list[str] | None = None,
        claims: Mapping[str, Any] | None = None,
    ) -> str:
        """claims: set or replace claims last (a value of None removes that claim), e.g. an
        `exp` in the past, or Keycloak's `aud: "account"` with `azp` naming the client."""
        now = int(time.time())
        payload: dict[str, Any] = {
            "iss": self.issuer,
            "aud": [self.audience],
            "sub": str(uuid.uuid5(uuid.NAMESPACE_DNS, username)),
            "typ": "Bearer",
            "iat": now,
            "exp": now + 300,
            "preferred_username": username,
            "name": username,
            "realm_access": {"roles": roles},
        }
        if community:
            payload["community_code"] = [community]
        if regions:
            payload["region_code"] = regions  # the group chain, as Keycloak's mapper lists it
        for name, value in (claims or {}).items():
            if value is None:
                payload.pop(name, None)
            else:
                payload[name] = value
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": _KID})

    def headers(self, username: str, *, roles: list[str], community: str | None = None) -> dict:
        return {"Authorization": f"Bearer {self.token(username, roles=roles, community=community)}"}
