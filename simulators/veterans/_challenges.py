"""Log-ins under way: the CAPTCHA code each one was shown, tied to it by a cookie.

A code is good for one attempt: the log-in form is always shown again with a new one, right or
wrong, so a script cannot try passwords against one solved image. Codes live ten minutes, in
memory, like the sessions they lead to.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from simulators.veterans._captcha import new_code

#: The pending log-in's cookie. Not the session's: a log-in is not yet a session.
LOGIN_COOKIE = "TYJR_LOGIN"
LIFETIME_S = 600.0
# Codes of abandoned log-in pages are dropped after LIFETIME_S; this bounds what a flood of
# anonymous page views can make us hold until then.
_MAX_PENDING = 10_000


@dataclass(frozen=True)
class _Challenge:
    code: str
    expires_at: float


class Challenges:
    def __init__(
        self,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        codes: Callable[[], str] = new_code,
    ) -> None:
        self._monotonic = monotonic
        self._codes = codes
        self._by_token: dict[str, _Challenge] = {}
        self._latest: str | None = None
        # Pages run on a thread pool; pruning iterates the dict while others may add to it.
        self._lock = threading.Lock()

    def issue(self, token: str | None) -> str:
        """A new code for this log-in (a new log-in when token is unknown); returns its token."""
        now = self._monotonic()
        code = self._codes()
        with self._lock:
            self._by_token = {t: c for t, c in self._by_token.items() if c.expires_at > now}
            if not token or token not in self._by_token:
                token = secrets.token_urlsafe(32)
                while len(self._by_token) >= _MAX_PENDING:
                    del self._by_token[next(iter(self._by_token))]  # the oldest
            self._by_token[token] = _Challenge(code, now + LIFETIME_S)
            self._latest = token
        return token

    def code(self, token: str | None) -> str | None:
        """The code this log-in is being shown, while it is still good."""
        with self._lock:
            challenge = self._by_token.get(token or "")
        if challenge is None or challenge.expires_at <= self._monotonic():
            return None
        return challenge.code

    def solve(self, token: str | None, answer: str) -> bool:
        """Whether answer is the code (case and spaces aside). Uses the code up either way."""
        with self._lock:
            challenge = self._by_token.pop(token or "", None)
        if challenge is None or challenge.expires_at <= self._monotonic():
            return False
        return secrets.compare_digest(answer.strip().upper().encode(), challenge.code.encode())

    def latest_token(self) -> str | None:
        """The log-in whose code was issued last (the test hook's default)."""
        return self._latest
