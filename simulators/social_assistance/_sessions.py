"""What the system keeps in memory: log-ins under way, and the sessions they end in.

Both vanish when the process restarts, as they would on the real system after a redeploy; a
person then simply passes through Keycloak again.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from simulators.social_assistance._oidc import code_challenge
from simulators.social_assistance._tokens import SsoUser

# Not JSESSIONID: the civil-affairs simulator uses that, and browsers share cookies between
# ports of one host, so the two systems on 127.0.0.1 would overwrite each other's session.
COOKIE = "SHJZSESSIONID"
LOGIN_LIFETIME_S = 600.0
# Log-ins abandoned at Keycloak are dropped after LOGIN_LIFETIME_S; this bounds what a flood of
# anonymous requests can make us hold until then.
_MAX_PENDING = 10_000


@dataclass(frozen=True)
class PendingLogin:
    code_verifier: str
    wanted: str  # the local path (and query) she asked for before being sent to Keycloak
    expires_at: float


class PendingLogins:
    """state → PKCE verifier and wanted page; each state is good once, for ten minutes."""

    def __init__(self, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._by_state: dict[str, PendingLogin] = {}
        # Pages run on a thread pool; pruning iterates the dict while others may add to it.
        self._lock = threading.Lock()

    def start(self, wanted: str) -> tuple[str, str]:
        """(state, PKCE code challenge) for a new log-in that should end on wanted."""
        state, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(48)
        now = self._monotonic()
        with self._lock:
            self._by_state = {s: p for s, p in self._by_state.items() if p.expires_at > now}
            while len(self._by_state) >= _MAX_PENDING:
                del self._by_state[next(iter(self._by_state))]  # the oldest
            self._by_state[state] = PendingLogin(verifier, wanted, now + LOGIN_LIFETIME_S)
        return state, code_challenge(verifier)

    def take(self, state: str) -> PendingLogin | None:
        """The log-in started with state, once; None when unknown, used or expired."""
        with self._lock:
            login = self._by_state.pop(state, None)
        if login is None or login.expires_at <= self._monotonic():
            return None
        return login


class SessionStore:
    """Random cookie value → the user Keycloak vouched for."""

    def __init__(self) -> None:
        self._users: dict[str, SsoUser] = {}

    def open(self, user: SsoUser) -> str:
        token = secrets.token_urlsafe(32)
        self._users[token] = user
        return token

    def user(self, token: str | None) -> SsoUser | None:
        return self._users.get(token or "")

    def close(self, token: str | None) -> None:
        self._users.pop(token or "", None)
