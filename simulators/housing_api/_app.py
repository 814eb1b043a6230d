"""Assemble the simulated 无锡市房屋安全信息平台 open API."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from simulators._conditions import Conditions, add_conditions
from simulators._errors import ApiError
from simulators._html import template_env
from simulators._json_api import add_record_pages, handle_api_error
from simulators._rate_limit import RateLimiter
from simulators._review_routes import review_router
from simulators._storage import Clock, china_now
from simulators.housing_api._routes import api_router
from simulators.housing_api._store import InspectionStore


def create_app(
    *,
    db_path: Path,
    api_keys: set[str],
    rate_limit_per_minute: int = 60,
    clock: Clock | None = None,
    conditions: Conditions | None = None,
) -> FastAPI:
    """The JSON API under /api/v1, a human /records page and un-authenticated /_sim/ test hooks.

    api_keys are the accepted X-API-Key values; each may POST rate_limit_per_minute times in
    any rolling minute. clock (default: now in China) dates receipts and decisions, times the
    rate limit and places outage windows. conditions (default: healthy) make it slow, failing
    or down; tests change them at /_sim/conditions.
    """
    now = clock or china_now
    app = FastAPI(title="无锡市房屋安全信息平台 开放接口（模拟）")
    store = InspectionStore(db_path=db_path, clock=now)
    limiter = RateLimiter(per_minute=rate_limit_per_minute, clock=now)
    env = template_env("simulators.housing_api")
    app.add_exception_handler(ApiError, handle_api_error)
    app.include_router(api_router(store=store, api_keys=set(api_keys), limiter=limiter, clock=now))
    app.include_router(review_router(store=store))
    add_conditions(app, conditions, clock=now)

    add_record_pages(app, store=store, env=env)
    return app
