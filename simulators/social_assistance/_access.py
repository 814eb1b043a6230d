"""Who is asking: a robot's bearer token, or a person's session; else off to Keycloak."""

from __future__ import annotations

from fastapi import Request

from simulators.social_assistance._sessions import COOKIE, SessionStore
from simulators.social_assistance._tokens import SsoUser, TokenRejected, TokenVerifier


class LoginRequired(Exception):
    """No bearer token and no session; the app sends the browser to Keycloak."""

    def __init__(self, wanted: str) -> None:
        super().__init__(wanted)
        self.wanted = wanted


class BearerRejected(Exception):
    """An Authorization header this system cannot trust; the app answers 401."""


class Access:
    def __init__(self, *, verifier: TokenVerifier, sessions: SessionStore) -> None:
        self._verifier = verifier
        self._sessions = sessions

    def current_user(self, request: Request) -> SsoUser:
        """The user behind the request; a FastAPI dependency for every page.

        A synchronous def on purpose: FastAPI runs it on the thread pool, where fetching the
        signing keys may block. A request with an Authorization header is judged by it alone,
        never by a cookie it may also carry.
        """
        authorization = request.headers.get("authorization")
        if authorization is not None:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise BearerRejected
            try:
                return self._verifier.user(token.strip(), audience_required=True)
            except TokenRejected:
                raise BearerRejected from None
        user = self._sessions.user(request.cookies.get(COOKIE))
        if user is None:
            raise LoginRequired(_wanted(request))
        return user


def _wanted(request: Request) -> str:
    """Where to land after the log-in: this page, if a GET for a plain local path; else home."""
    path = request.url.path
    # "//host" or "/\host" would read as another site once placed in a Location header.
    if request.method != "GET" or not path.startswith("/") or path[1:2] in ("/", "\\"):
        return "/"
    query = request.url.query
    return f"{path}?{query}" if query else path
