"""Log-in sessions with the short idle timeout of the real system.

A session that has been idle longer than the timeout is gone: the next page, a form post
included, sends the browser to the log-in page with 会话已超时，请重新登录, and whatever the form
carried is lost. Sessions live in memory, so a restart logs everyone out too.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from fastapi import Request

from simulators._storage import Clock

# The real system is an ASP.NET application of its time; its cookie name keeps captured traces
# looking like the real thing, and differs from the other simulators on the same host (cookies
# do not care about ports).
COOKIE = "ASP.NET_SessionId"
DEFAULT_TIMEOUT_S = 120.0


class LoginRequired(Exception):
    """A page needs a user; the app sends the browser to the log-in page."""

    def __init__(self, *, timed_out: bool) -> None:
        super().__init__("timed out" if timed_out else "no session")
        self.timed_out = timed_out


@dataclass
class _Session:
    username: str
    last_seen: datetime


class SessionStore:
    def __init__(
        self, accounts: dict[str, str], *, clock: Clock, timeout_s: Callable[[], float]
    ) -> None:
        """timeout_s is asked at every request, so a test can change it while the app runs."""
        self._accounts = dict(accounts)
        self._clock = clock
        self._timeout_s = timeout_s
        self._sessions: dict[str, _Session] = {}

    def log_in(self, username: str, password: str) -> str | None:
        """A new session token when the credentials are right, else None."""
        expected = self._accounts.get(username)
        # Compare bytes in constant time; compare_digest refuses non-ASCII str.
        if expected is None or not secrets.compare_digest(
            expected.encode("utf-8"), password.encode("utf-8")
        ):
            return None
        token = secrets.token_urlsafe(24)
        self._sessions[token] = _Session(username, self._clock())
        return token

    def current_user(self, request: Request) -> str:
        """The logged-in user, whose session this request keeps alive; a FastAPI dependency."""
        token = request.cookies.get(COOKIE) or ""
        session = self._sessions.get(token)
        if session is None:
            raise LoginRequired(timed_out=False)
        now = self._clock()
        if (now - session.last_seen).total_seconds() > self._timeout_s():
            self._sessions.pop(token, None)
            raise LoginRequired(timed_out=True)
        session.last_seen = now
        return session.username

    def log_out(self, token: str | None) -> None:
        self._sessions.pop(token or "", None)
