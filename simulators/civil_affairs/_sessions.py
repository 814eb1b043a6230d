"""Log-in sessions: a random token in a cookie, mapped to a user name in memory.

Sessions vanish when the process restarts, as they would on the real system after a redeploy,
and after `Conditions.session_timeout_s` idle seconds (when set); a robot must be ready to log
in again.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from fastapi import Request

from simulators._conditions import Conditions
from simulators._storage import Clock, china_now

# The real system is a Java web application; keeping its cookie name makes captured traces look
# like the real thing.
COOKIE = "JSESSIONID"


class LoginRequired(Exception):
    """Raised by a page that needs a user; the app turns it into a redirect to /login."""


class SessionStore:
    def __init__(
        self,
        accounts: dict[str, str],
        *,
        conditions: Conditions | None = None,
        clock: Clock = china_now,
    ) -> None:
        self._accounts = dict(accounts)
        self._users_by_token: dict[str, str] = {}
        self._seen: dict[str, datetime] = {}
        self._conditions, self._clock = conditions, clock

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
        self._seen[token] = self._clock()
        return token

    def current_user(self, request: Request) -> str:
        """The logged-in user's name; a FastAPI dependency for every page behind the log-in."""
        token = request.cookies.get(COOKIE) or ""
        username = self._users_by_token.get(token)
        if username is None:
            raise LoginRequired
        now = self._clock()
        timeout = self._conditions.session_timeout_s if self._conditions else None
        if timeout is not None and (now - self._seen[token]).total_seconds() > timeout:
            self.log_out(token)
            raise LoginRequired
        self._seen[token] = now
        return username

    def log_out(self, token: str | None) -> None:
        self._users_by_token.pop(token or "", None)
        self._seen.pop(token or "", None)
