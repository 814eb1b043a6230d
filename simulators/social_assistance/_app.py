"""Assemble the simulated 江苏省民政厅 社会救助信息管理系统."""

from __future__ import annotations

from pathlib import Path

import jinja2
import jwt
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from simulators._conditions import Conditions, add_conditions
from simulators._decisions import Record
from simulators._html import render, template_env
from simulators._review_routes import review_router
from simulators._storage import Clock, china_now
from simulators.social_assistance._access import Access, BearerRejected, LoginRequired
from simulators.social_assistance._application_routes import application_router
from simulators.social_assistance._oidc import Keycloak
from simulators.social_assistance._sessions import PendingLogins, SessionStore
from simulators.social_assistance._sso_routes import sso_router
from simulators.social_assistance._store import DibaoStore
from simulators.social_assistance._tokens import KeysUnavailable, TokenVerifier


def create_app(
    *,
    db_path: Path,
    issuer: str,
    client_id: str,
    client_secret: str,
    public_url: str,
    clock: Clock | None = None,
    conditions: Conditions | None = None,
    jwks_client: jwt.PyJWKClient | None = None,
) -> FastAPI:
    """The web system: HTML pages behind Keycloak, plus un-authenticated /_sim/ test hooks.

    issuer is the Keycloak realm's URL (…/realms/community); client_id and client_secret are
    this system's confidential client there; public_url is this system's own base URL, for the
    redirect URI {public_url}/sso/callback. clock (default: now in China) dates receipts and
    decisions; jwks_client (default: the realm's certs endpoint) supplies the signing keys.
    """
    # A web system without an API publishes no OpenAPI document.
    app = FastAPI(
        title="江苏省民政厅 社会救助信息管理系统（模拟）",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    issuer, public_url = issuer.rstrip("/"), public_url.rstrip("/")
    keycloak = Keycloak(issuer, client_id, client_secret, public_url)
    certs_url = f"{issuer}/protocol/openid-connect/certs"
    jwks = jwks_client or jwt.PyJWKClient(certs_url, cache_keys=True)
    verifier = TokenVerifier(issuer=issuer, client_id=client_id, jwks_client=jwks)
    pending, sessions = PendingLogins(), SessionStore()
    access = Access(verifier=verifier, sessions=sessions)
    store = DibaoStore(db_path=db_path, clock=clock or china_now)
    env = template_env("simulators.social_assistance")
    _add_error_pages(app, keycloak=keycloak, pending=pending, env=env)
    app.include_router(
        sso_router(
            keycloak=keycloak,
            pending=pending,
            sessions=sessions,
            verifier=verifier,
            access=access,
            env=env,
        )
    )
    app.include_router(application_router(access=access, store=store, env=env))
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


def _add_error_pages(
    app: FastAPI, *, keycloak: Keycloak, pending: PendingLogins, env: jinja2.Environment
) -> None:
    async def to_keycloak(request: Request, exc: Exception) -> Response:
        wanted = exc.wanted if isinstance(exc, LoginRequired) else "/"
        state, challenge = pending.start(wanted)
        url = keycloak.authorization_url(state=state, code_challenge=challenge)
        return RedirectResponse(url, status_code=303)

    async def bearer_rejected(request: Request, exc: Exception) -> Response:
        response = _notice(env, 401, "令牌无效", "令牌无效或已过期")
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response

    async def keys_unavailable(request: Request, exc: Exception) -> Response:
        return _notice(env, 503, "服务暂不可用", "统一身份认证服务暂时无法访问，请稍后再试")

    app.add_exception_handler(LoginRequired, to_keycloak)
    app.add_exception_handler(BearerRejected, bearer_rejected)
    app.add_exception_handler(KeysUnavailable, keys_unavailable)


def _notice(env: jinja2.Environment, status_code: int, title: str, message: str) -> Response:
    return render(
        env,
        "notice.html",
        status_code=status_code,
        user=None,
        title=title,
        message=message,
        retry=False,
    )
