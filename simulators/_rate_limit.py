"""At most N requests per rolling minute per API key, as the city's API gateway allows.

Only requests the limiter admits are counted: a refused (429) request does not push the
client's next chance further away, so a client that waits Retry-After seconds gets through.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from datetime import datetime, timedelta

from simulators._storage import Clock

WINDOW = timedelta(minutes=1)


class RateLimiter:
    def __init__(self, *, per_minute: int, clock: Clock) -> None:
        if per_minute < 1:
            raise ValueError("rate_limit_per_minute must be at least 1")
        self._limit = per_minute
        self._clock = clock
        self._admitted: dict[str, deque[datetime]] = {}
        # Routes run on the event loop and on the thread pool; the count must not race.
        self._lock = threading.Lock()

    def admit(self, api_key: str) -> int | None:
        """Count one request for api_key: None if admitted, else seconds to wait (at least 1)."""
        now = self._clock()
        with self._lock:
            admitted = self._admitted.setdefault(api_key, deque())
            while admitted and admitted[0] <= now - WINDOW:
                admitted.popleft()
            if len(admitted) >= self._limit:
                wait = (admitted[0] + WINDOW - now).total_seconds()
                return max(1, math.ceil(wait))
            admitted.append(now)
            return None
