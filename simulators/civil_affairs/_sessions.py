"""Log-in sessions: a random token in a cookie, mapped to a user name in memory.

Sessions vanish when the process restarts, as they would on the real system after a redeploy;
a robot must be ready to log in again.
"""

from __future__ import annotations

import secrets

from fastapi import Request

# The real system is a Java web application; keeping its cookie name makes captured traces look
# like the real thing.
COOKIE = "JSESSIONID"


class LoginRequired(Exception):
    """Raised by a page that needs a user; the app turns it into a redirect to /login."""


class SessionStore:
    def __init__(self, accounts: dict[str, str]) -> None:
        self._accounts = dict(accounts)
        self._users_by_token: dict[str, str] = {}

    def log_in(self, username: str, password: str) -> str | None:
        """A new session token when the credentials are right, else None."""
        expected = self._accounts.get(username)
        # Compare bytes in constant time; compare_digest refuses non-ASCII str.
        if expected is None or not secrets.compare_digest(
            expected.encode("utf-8"), password.encode("utf-8")
        ):
            return None
        token = secrets.token_urlsafe(32)
        self._users_by_token[token] = username
        return token

    def current_user(self, request: Request) -> str:
        """The logged-in user's name; a FastAPI dependency for every page behind the log-in."""
        username = self._users_by_token.get(request.cookies.get(COOKIE) or "")
        if username is None:
            raise LoginRequired
        return username

    def log_out(self, token: str | None) -> None:
        self._users_by_token.pop(token or "", None)
