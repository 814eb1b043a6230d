"""OIDC authorization code flow with PKCE against Keycloak, for the portal."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt
from sqlmodel import Session

from hub.errors import CredentialsRejected, TargetUnavailable, Unauthenticated
from hub.store import LoginState
from hub.store._models import utcnow

_LOGIN_STATE_TTL = timedelta(minutes=10)
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"
_STATE = re.compile(r"[A-Za-z0-9_-]{20,100}")


@dataclass(frozen=True)
class ExchangedToken:
    """What a standard token exchange gave: an access token for one audience, and its end."""

    access_token: str = field(repr=False)
    expires_at: datetime


@dataclass(frozen=True)
class OidcClient:
    issuer: str  # e.g. http://127.0.0.1:8080/realms/community
    client_id: str
    client_secret: str
    redirect_uri: str

    @property
    def _endpoint(self) -> str:
        return f"{self.issuer}/protocol/openid-connect"

    def begin_login(self, *, session: Session, return_to: str) -> str:
        """Remember a fresh state, PKCE verifier and nonce; return Keycloak's login URL."""
        state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        verifier = secrets.token_urlsafe(64)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        session.add(
            LoginState(state=state, code_verifier=verifier, nonce=nonce, return_to=return_to)
        )
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.client_id,
                "redirect_uri": self.redirect_uri,
                "scope": "openid",
                "state": state,
                "nonce": nonce,
                "code_challenge": challenge.rstrip(b"=").decode(),
                "code_challenge_method": "S256",
            }
        )
        return f"{self._endpoint}/auth?{query}"

    def take_login_state(self, *, session: Session, state: str) -> LoginState:
        """The login this callback belongs to; each state is used once and expires."""
        # Only look up what could be ours (URL-safe base64): odd bytes never reach the database.
        login = session.get(LoginState, state) if _STATE.fullmatch(state) else None
        if login is None:
            raise Unauthenticated("unknown login state", user_message="登录已失效，请重新登录")
        session.delete(login)
        if utcnow() - login.created_at > _LOGIN_STATE_TTL:
            raise Unauthenticated("login state expired", user_message="登录已超时，请重新登录")
        return login

    async def exchange_code(self, *, code: str, login: LoginState) -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=15.0) as http:
            response = await http.post(
                f"{self._endpoint}/token",
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": self.redirect_uri,
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                    "code_verifier": login.code_verifier,
                },
            )
        if response.status_code != 200:
            raise Unauthenticated(f"token endpoint said {response.status_code}")
        tokens: dict[str, Any] = response.json()
        # The ID token came straight from the token endpoint (OIDC core 3.1.3.7), so its nonce
        # is what we check here; the access token is fully verified against the realm's keys.
        claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
        if claims.get("nonce") != login.nonce:
            raise Unauthenticated("nonce mismatch")
        return tokens

    def refresh(self, refresh_token: str) -> dict[str, Any] | None:
        """New tokens for a live single sign-on session; None when Keycloak has ended it.

        Raises TargetUnavailable when Keycloak cannot be reached: the caller keeps what it has.
        """
        try:
            response = httpx.post(
                f"{self._endpoint}/token",
                data={
                    "grant_type": "refresh_token",
                    "refresh_token": refresh_token,
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                },
                timeout=10.0,
            )
        except httpx.TransportError as exc:
            raise TargetUnavailable(f"keycloak unreachable: {type(exc).__name__}") from None
        if response.status_code == 400:  # invalid_grant: session ended, token expired or revoked
            return None
        if response.status_code != 200:
            raise TargetUnavailable(f"token endpoint said {response.status_code}")
        tokens: dict[str, Any] = response.json()
        return tokens

    def exchange(self, subject_token: str, audience: str) -> ExchangedToken:
        """Her access token traded for one whose only audience is `audience` (RFC 8693, Keycloak's
        standard token exchange): what a robot shows a system that trusts Keycloak, so it acts
        there as her and the token is worth nothing anywhere else.

        Raises CredentialsRejected when her token is no longer good (she must log in again),
        TargetUnavailable when Keycloak cannot be reached.
        """
        try:
            response = httpx.post(
                f"{self._endpoint}/token",
                data={
                    "grant_type": TOKEN_EXCHANGE,
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                    "subject_token": subject_token,
                    "subject_token_type": ACCESS_TOKEN_TYPE,
                    "requested_token_type": ACCESS_TOKEN_TYPE,
                    "audience": audience,
                },
                timeout=10.0,
            )
        except httpx.TransportError as exc:
            raise TargetUnavailable(f"keycloak unreachable: {type(exc).__name__}") from None
        if response.status_code in (400, 401, 403):
            error = response.json().get("error", "") if response.content else ""
            raise CredentialsRejected(
                f"token exchange for {audience} refused: {error}",
                user_message="登录已过期，请重新登录门户后再提交",
            )
        if response.status_code != 200:
            raise TargetUnavailable(f"token endpoint said {response.status_code}")
        body = response.json()
        lifetime = timedelta(seconds=int(body.get("expires_in", 60)))
        return ExchangedToken(access_token=body["access_token"], expires_at=utcnow() + lifetime)

    def logout_url(self, *, id_token: str | None, post_logout_redirect: str) -> str:
        query = {"client_id": self.client_id, "post_logout_redirect_uri": post_logout_redirect}
        if id_token:
            query["id_token_hint"] = id_token
        return f"{self._endpoint}/logout?{urlencode(query)}"
