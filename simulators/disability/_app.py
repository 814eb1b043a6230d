"""Assemble the simulated 江苏省残疾人两项补贴管理系统."""

from __future__ import annotations

from pathlib import Path

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from simulators._conditions import Conditions, add_conditions
from simulators._decisions import Record
from simulators._html import template_env
from simulators._review_routes import review_router
from simulators._storage import Clock, china_now
from simulators.disability import _form, _regions
from simulators.disability._application_routes import application_router
from simulators.disability._auth_routes import auth_router
from simulators.disability._gbk import legacy_text
from simulators.disability._sessions import DEFAULT_TIMEOUT_S, LoginRequired, SessionStore
from simulators.disability._store import ApplicationStore


def create_app(
    *,
    db_path: Path,
    accounts: dict[str, str],
    clock: Clock | None = None,
    conditions: Conditions | None = None,
) -> FastAPI:
    """The web system: GBK pages behind a log-in, plus un-authenticated /_sim/ test hooks.

    accounts maps user name to password. clock (default: now in China) dates receipts and
    decisions and times sessions out. conditions: latency, errors, outages, and the idle
    timeout of a session (default 120 s).
    """
    clock = clock or china_now
    # A web system without an API publishes no OpenAPI document.
    app = FastAPI(
        title="江苏省残疾人两项补贴管理系统（模拟）",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    current = add_conditions(app, conditions, clock=clock)

    def timeout_s() -> float:
        chosen = current.session_timeout_s
        return DEFAULT_TIMEOUT_S if chosen is None else chosen

    sessions = SessionStore(accounts, clock=clock, timeout_s=timeout_s)
    store = ApplicationStore(db_path=db_path, clock=clock)
    env = _template_env()
    app.add_exception_handler(LoginRequired, _to_login)
    app.include_router(auth_router(sessions=sessions, env=env))
    app.include_router(application_router(sessions=sessions, store=store, env=env, clock=clock))
    app.include_router(review_router(store=store))

    @app.get("/_sim/records")
    def sim_records() -> list[Record]:
        """Test hook: every record as stored, oldest first."""
        return list(reversed(store.newest_first()))

    @app.get("/_sim/health")
    def sim_health() -> dict[str, bool]:
        """Test hook: the simulator is up."""
        return {"ok": True}

    return app


def _template_env() -> jinja2.Environment:
    env = template_env("simulators.disability")
    env.filters["legacy"] = legacy_text
    env.filters["subsidy_names"] = _form.subsidy_names
    env.filters["region_name"] = _regions.name_of
    env.globals |= {
        "sexes": _form.SEXES,
        "categories": _form.CATEGORIES,
        "grades": _form.GRADES,
        "subsidies": _form.SUBSIDIES,
        "banks": [(bank, bank) for bank in _form.BANKS],
        "sex_names": dict(_form.SEXES),
        "category_names": dict(_form.CATEGORIES),
        "grade_names": dict(_form.GRADES),
        "region_pairs": _regions.pairs,
    }
    return env


async def _to_login(request: Request, exc: Exception) -> Response:
    # 302, as servers of its time answer; a browser follows it with a GET either way.
    timed_out = isinstance(exc, LoginRequired) and exc.timed_out
    return RedirectResponse("/login.do?msg=timeout" if timed_out else "/login.do", status_code=302)
