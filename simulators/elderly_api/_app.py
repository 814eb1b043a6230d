"""Assemble the simulated 无锡市养老服务信息平台 open API."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from simulators._conditions import Conditions, add_conditions
from simulators._errors import ApiError
from simulators._html import template_env
from simulators._json_api import add_record_pages, handle_api_error
from simulators._review_routes import review_router
from simulators._storage import Clock, china_now
from simulators.elderly_api._routes import api_router
from simulators.elderly_api._store import AllowanceStore


def create_app(
    *,
    db_path: Path,
    api_keys: set[str],
    clock: Clock | None = None,
    conditions: Conditions | None = None,
) -> FastAPI:
    """The JSON API under /api/v1, a human /records page and un-authenticated /_sim/ test hooks.

    api_keys are the accepted X-API-Key values. clock (default: now in China) dates receipts
    and decisions.
    """
    app = FastAPI(title="无锡市养老服务信息平台 开放接口（模拟）")
    store = AllowanceStore(db_path=db_path, clock=clock or china_now)
    env = template_env("simulators.elderly_api")
    app.add_exception_handler(ApiError, handle_api_error)
    app.include_router(api_router(store=store, api_keys=set(api_keys)))
    app.include_router(review_router(store=store))
    add_record_pages(app, store=store, env=env)
    add_conditions(app, conditions, clock=clock or china_now)
    return app
