"""How well a simulated system is doing today: latency, errors, outage windows, being down.

Real line-department systems are slow at month end, fail now and then with 系统繁忙, go down for
maintenance every night, and sometimes simply vanish for an afternoon. Every simulator takes a
`Conditions` (through `add_conditions`) so that tests, benchmarks and demos can make it behave
like that; a test changes them at run time with `PUT /_sim/conditions`. The /_sim/ hooks are
never affected: a test can always read what a system received.
"""

from __future__ import annotations

import asyncio
import json
import random
from dataclasses import asdict, dataclass, field
from datetime import datetime, time

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from simulators._storage import Clock, china_now

BUSY = "系统繁忙，请稍后再试"
MAINTENANCE = "系统维护中，请稍后再试"


@dataclass
class Conditions:
    #: Every answer waits between these many milliseconds (uniformly), the /_sim/ hooks excepted.
    latency_ms: tuple[int, int] = (0, 0)
    #: The share of requests (0 to 1) answered 503 系统繁忙 instead of being served.
    error_rate: float = 0.0
    #: Daily windows, China time, "HH:MM-HH:MM" (may cross midnight): everything answers 503.
    outages: list[str] = field(default_factory=list)
    #: Down right now, whatever the clock says (a test's switch).
    down: bool = False
    #: For systems with log-in sessions: idle seconds before a session ends (None: theirs).
    session_timeout_s: float | None = None

    def __post_init__(self) -> None:
        low, high = self.latency_ms
        if not 0 <= low <= high:
            raise ValueError("latency_ms must be (low, high) with 0 <= low <= high")
        if not 0.0 <= self.error_rate <= 1.0:
            raise ValueError("error_rate must be between 0 and 1")
        for window in self.outages:
            _window(window)  # refuses a malformed one now, not at the first request

    def out_of_service(self, now: datetime) -> bool:
        return self.down or any(_inside(now.time(), *_window(w)) for w in self.outages)


def add_conditions(
    app: FastAPI,
    conditions: Conditions | None = None,
    *,
    clock: Clock = china_now,
    rng: random.Random | None = None,
) -> Conditions:
    """Make `app` behave as `conditions` say (default: perfectly), and let tests change them."""
    current = conditions or Conditions()
    draw = rng or random.Random()

    async def behave(request: Request, call_next: RequestResponseEndpoint) -> Response:
        if request.url.path.startswith("/_sim/"):
            return await call_next(request)
        low, high = current.latency_ms
        if high:
            await asyncio.sleep(draw.uniform(low, high) / 1000)
        if current.out_of_service(clock()):
            return _unavailable(request, MAINTENANCE)
        if current.error_rate and draw.random() < current.error_rate:
            return _unavailable(request, BUSY)
        return await call_next(request)

    app.add_middleware(BaseHTTPMiddleware, dispatch=behave)

    @app.get("/_sim/conditions")
    def read_conditions() -> dict[str, object]:
        """Test hook: how the system behaves now."""
        return asdict(current)

    @app.put("/_sim/conditions", response_model=None)
    async def change_conditions(request: Request) -> dict[str, object] | JSONResponse:
        """Test hook: change some of them, e.g. {"down": true} or {"error_rate": 0.2}."""
        try:
            changes = json.loads(await request.body() or b"{}")
            updated = Conditions(**(asdict(current) | _typed(changes)))
        except (ValueError, TypeError) as exc:  # nothing is changed
            return JSONResponse({"code": "INVALID", "message": str(exc)}, status_code=422)
        for name, value in asdict(updated).items():
            setattr(current, name, value)
        return asdict(current)

    return current


def _typed(changes: dict[str, object]) -> dict[str, object]:
    known = set(Conditions.__dataclass_fields__)
    unknown = set(changes) - known
    if unknown:
        raise ValueError(f"unknown conditions: {sorted(unknown)}")
    if "latency_ms" in changes:
        pair = changes["latency_ms"]
        if not (isinstance(pair, list | tuple) and len(pair) == 2):
            raise ValueError("latency_ms must be [low, high]")
        changes = changes | {"latency_ms": (int(pair[0]), int(pair[1]))}
    return changes


def _unavailable(request: Request, message: str) -> Response:
    headers = {"Retry-After": "30"}
    if "json" in request.headers.get("accept", "") or request.url.path.startswith("/api"):
        body = {"code": "UNAVAILABLE", "message": message}
        return JSONResponse(body, status_code=503, headers=headers)
    page = f'<!doctype html><meta charset="utf-8"><title>{message}</title><h1>{message}</h1>'
    return HTMLResponse(page, status_code=503, headers=headers)


def _window(text: str) -> tuple[time, time]:
    try:
        start, end = text.split("-")
        return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
    except ValueError:
        raise ValueError(f"outage window {text!r} is not HH:MM-HH:MM") from None


def _inside(moment: time, start: time, end: time) -> bool:
    if start <= end:
        return start <= moment < end
    return moment >= start or moment < end  # e.g. 23:00-01:00
