"""Keycloak as this system's OpenID Connect provider: its endpoint URLs and the code exchange.

The system is a confidential client: it authenticates to the token endpoint with its secret in
the form body (client_secret_post), and proves with PKCE (S256) that the code is its own.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx

_TOKEN_TIMEOUT_S = 10.0


class SsoFailed(Exception):
    """The log-in could not be completed; message is what the person sees."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


@dataclass(frozen=True)
class Keycloak:
    issuer: str  # e.g. http://127.0.0.1:8080/realms/community
    client_id: str
    client_secret: str
    public_url: str  # this system's own base URL, as the browser reaches it

    @property
    def redirect_uri(self) -> str:
        return f"{self.public_url}/sso/callback"

    def authorization_url(self, *, state: str, code_challenge: str) -> str:
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": "openid",
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        }
        return f"{self.issuer}/protocol/openid-connect/auth?{urlencode(query)}"

    def logout_url(self) -> str:
        query = {"client_id": self.client_id, "post_logout_redirect_uri": f"{self.public_url}/"}
        return f"{self.issuer}/protocol/openid-connect/logout?{urlencode(query)}"

    def exchange_code(self, *, code: str, code_verifier: str) -> str:
        """The access token for an authorization code; raises SsoFailed when there is none."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "code_verifier": code_verifier,
        }
        url = f"{self.issuer}/protocol/openid-connect/token"
        try:
            response = httpx.post(url, data=form, timeout=_TOKEN_TIMEOUT_S)
        except httpx.HTTPError:
            raise SsoFailed(502, "统一身份认证服务暂时无法访问，请稍后再试") from None
        token = _access_token(response)
        if token is None:
            # Keycloak refuses a code used twice, expired, or for another redirect URI.
            raise SsoFailed(401, "登录失败：授权码无效或已过期，请重新登录")
        return token


def code_challenge(verifier: str) -> str:
    """PKCE S256: base64url of the verifier's SHA-256, without padding (RFC 7636)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _access_token(response: httpx.Response) -> str | None:
    if response.status_code != 200:
        return None
    try:
        token = response.json().get("access_token")
    except (ValueError, AttributeError):
        return None
    return token if isinstance(token, str) and token else None
