"""Whether a connector's target answers now: for ``python -m connectors list`` and the ops page.

One GET of the target's base URL, unauthenticated and without following redirects; any HTTP
answer below 500 counts as up (a login page is a working system). Each check is bounded as a
whole, so one target that accepts the connection and never answers cannot hold up the rest.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from connectors.sdk._http import http_client


@dataclass(frozen=True)
class TargetHealth:
    up: bool
    status_code: int | None = None  # None: no HTTP answer at all
    elapsed_ms: float | None = None
    error: str | None = None  # why there was no answer: the exception's class name

    def __str__(self) -> str:
        if self.status_code is None:
            return f"DOWN ({self.error})"
        state = "up" if self.up else "DOWN"
        return f"{state} (HTTP {self.status_code}, {self.elapsed_ms:.0f} ms)"


async def check_targets(
    base_urls: Mapping[str, str], *, timeout_s: float
) -> dict[str, TargetHealth]:
    """id -> health for every (id, base URL) at once: the slowest target sets the wait."""
    async with http_client(timeout=timeout_s) as client:
        found = await asyncio.gather(
            *(_check(client, url, timeout_s) for url in base_urls.values())
        )
    return dict(zip(base_urls, found, strict=True))


async def _check(client: httpx.AsyncClient, base_url: str, timeout_s: float) -> TargetHealth:
    # httpx's timeout bounds each step (connect, write, each read); this bounds them together.
    started = time.perf_counter()
    try:
        async with asyncio.timeout(timeout_s):
            answer = await client.get(base_url, follow_redirects=False)
    except TimeoutError:
        return TargetHealth(up=False, error="Timeout")
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        return TargetHealth(up=False, error=type(exc).__name__)
    elapsed = (time.perf_counter() - started) * 1000
    code = answer.status_code
    return TargetHealth(up=code < 500, status_code=code, elapsed_ms=elapsed)
