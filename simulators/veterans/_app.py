"""Assemble the simulated 全国退役军人信息管理系统."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from simulators._conditions import Conditions, add_conditions
from simulators._decisions import Record
from simulators._html import template_env
from simulators._review_routes import review_router
from simulators._storage import Clock, china_now
from simulators.veterans._auth_routes import auth_router
from simulators.veterans._challenges import Challenges
from simulators.veterans._query_routes import query_router
from simulators.veterans._sessions import LoginRequired, SessionStore
from simulators.veterans._store import VeteransStore
from simulators.veterans._wizard_routes import wizard_router


def create_app(
    *,
    db_path: Path,
    accounts: dict[str, str],
    captcha: bool = True,
    clock: Clock | None = None,
    conditions: Conditions | None = None,
) -> FastAPI:
    """The web system: a frame set behind a log-in with an image CAPTCHA, plus /_sim/ hooks.

    accounts maps user name to password. captcha=False leaves the CAPTCHA off the log-in form:
    a switch for tests, the real system always asks. clock (default: now in China) dates
    records, decisions and outage windows; conditions (default: healthy) make it slow or down.
    """
    # A web system without an API publishes no OpenAPI document.
    app = FastAPI(
        title="全国退役军人信息管理系统（模拟）", docs_url=None, redoc_url=None, openapi_url=None
    )
    now = clock or china_now
    current = add_conditions(app, conditions, clock=now)
    sessions = SessionStore(accounts, idle_timeout_s=lambda: current.session_timeout_s)
    challenges = Challenges() if captcha else None
    store = VeteransStore(db_path=db_path, clock=now)
    env = template_env("simulators.veterans")
    app.add_exception_handler(LoginRequired, _redirect_to_login)
    app.include_router(auth_router(sessions=sessions, challenges=challenges, env=env))
    app.include_router(wizard_router(sessions=sessions, store=store, env=env, clock=now))
    app.include_router(query_router(sessions=sessions, store=store, env=env))
    app.include_router(review_router(store=store))

    @app.get("/_sim/records")
    def sim_records() -> list[Record]:
        """Test hook: every record as stored, oldest first."""
        return list(reversed(store.newest_first()))

    @app.get("/_sim/health")
    def sim_health() -> dict[str, bool]:
        """Test hook: the simulator is up."""
        return {"ok": True}

    @app.get("/_sim/captcha-answer")
    def sim_captcha_answer(login: str | None = None) -> Response:
        """Test hook, never linked: the code a log-in (default: the latest) is being shown.

        It stands in for the person reading the image; loopback only, like every /_sim/ hook.
        """
        token = login or (challenges.latest_token() if challenges else None)
        code = challenges.code(token) if challenges else None
        if code is None:
            body = {"code": "NOT_FOUND", "message": "没有待输入的验证码"}
            return JSONResponse(body, status_code=404)
        return JSONResponse({"answer": code})

    return app


async def _redirect_to_login(request: Request, exc: Exception) -> Response:
    expired = isinstance(exc, LoginRequired) and exc.expired
    return RedirectResponse("/login?expired=1" if expired else "/login", status_code=303)
