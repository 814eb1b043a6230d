"""Log-in sessions, each with the 信息采集 wizard's draft: what was typed on each step so far.

The wizard keeps its values on the server, as the real system does, so going back and forth
between steps loses nothing; a session idle longer than the timeout ends (会话已过期), and all of
them vanish when the process restarts.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import Request

# Not JSESSIONID or SHJZSESSIONID: browsers share cookies between ports of one host, and the
# other simulators on 127.0.0.1 use those.
COOKIE = "TYJR_SESSION"
DEFAULT_IDLE_TIMEOUT_S = 1800.0


class LoginRequired(Exception):
    """Raised by a page that needs a session; the app redirects to the log-in page."""

    def __init__(self, *, expired: bool) -> None:
        super().__init__("expired" if expired else "no session")
        self.expired = expired


@dataclass
class Session:
    user: str
    last_seen: float
    #: field name -> value as typed, across all steps of the wizard.
    draft: dict[str, str] = field(default_factory=dict)
    #: Steps whose 下一步 passed validation with the values now in the draft.
    completed: set[int] = field(default_factory=set)

    def start_over(self) -> None:
        self.draft.clear()
        self.completed.clear()


class SessionStore:
    def __init__(
        self,
        accounts: dict[str, str],
        *,
        idle_timeout_s: Callable[[], float | None] = lambda: None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """idle_timeout_s: read on every request (the conditions may change it); None: 30 min."""
        self._accounts = dict(accounts)
        self._idle_timeout_s = idle_timeout_s
        self._monotonic = monotonic
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def log_in(self, username: str, password: str) -> str | None:
        """A new session token when the credentials are right, else None."""
        expected = self._accounts.get(username)
        # Compare bytes in constant time; compare_digest refuses non-ASCII str.
        if expected is None or not secrets.compare_digest(
            expected.encode("utf-8"), password.encode("utf-8")
        ):
            return None
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[token] = Session(user=username, last_seen=self._monotonic())
        return token

    def current(self, request: Request) -> Session:
        """The request's session, kept alive; a FastAPI dependency of every page behind log-in."""
        token = request.cookies.get(COOKIE) or ""
        now = self._monotonic()
        timeout = self._idle_timeout_s() or DEFAULT_IDLE_TIMEOUT_S
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                raise LoginRequired(expired=False)
            if now - session.last_seen > timeout:
                del self._sessions[token]
                raise LoginRequired(expired=True)
            session.last_seen = now
        return session

    def log_out(self, token: str | None) -> None:
        with self._lock:
            self._sessions.pop(token or "", None)
