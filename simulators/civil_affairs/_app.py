"""Assemble the simulated 江苏省民政厅 高龄津贴管理系统."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from simulators._conditions import Conditions, add_conditions
from simulators._decisions import Record
from simulators._html import template_env
from simulators._review_routes import review_router
from simulators._storage import Clock, china_now
from simulators.civil_affairs._application_routes import application_router
from simulators.civil_affairs._auth_routes import auth_router
from simulators.civil_affairs._sessions import LoginRequired, SessionStore
from simulators.civil_affairs._store import ApplicationStore


def create_app(
    *,
    db_path: Path,
    accounts: dict[str, str],
    clock: Clock | None = None,
    conditions: Conditions | None = None,
) -> FastAPI:
    """The web system: HTML pages behind a log-in, plus un-authenticated /_sim/ test hooks.

    accounts maps user name to password. clock (default: now in China) dates receipts and
    decisions.
    """
    # A web system without an API publishes no OpenAPI document.
    app = FastAPI(
        title="江苏省民政厅 高龄津贴管理系统（模拟）",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    conditions = conditions or Conditions()
    sessions = SessionStore(accounts, conditions=conditions, clock=clock or china_now)
    store = ApplicationStore(db_path=db_path, clock=clock or china_now)
    env = template_env("simulators.civil_affairs")
    app.add_exception_handler(LoginRequired, _redirect_to_login)
    app.include_router(auth_router(sessions=sessions, env=env))
    app.include_router(application_router(sessions=sessions, store=store, env=env))
    app.include_router(review_router(store=store))

    @app.get("/_sim/records")
    def sim_records() -> list[Record]:
        """Test hook: every record as stored, oldest first."""
        return list(reversed(store.newest_first()))

    @app.get("/_sim/health")
    def sim_health() -> dict[str, bool]:
        """Test hook: the simulator is up."""
        return {"ok": True}

    add_conditions(app, conditions, clock=clock or china_now)
    return app


async def _redirect_to_login(request: Request, exc: Exception) -> Response:
    return RedirectResponse("/login", status_code=303)
