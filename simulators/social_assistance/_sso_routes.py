"""Single sign-on: Keycloak's callback, log-out, and the home menu."""

# No `from __future__ import annotations`: FastAPI evaluates route signatures at run time, and
# these name dependencies that exist only inside the router factory.

from typing import Annotated

import jinja2
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from simulators._html import render
from simulators.social_assistance._access import Access
from simulators.social_assistance._oidc import Keycloak, SsoFailed
from simulators.social_assistance._sessions import COOKIE, PendingLogins, SessionStore
from simulators.social_assistance._tokens import SsoUser, TokenRejected, TokenVerifier


def sso_router(
    *,
    keycloak: Keycloak,
    pending: PendingLogins,
    sessions: SessionStore,
    verifier: TokenVerifier,
    access: Access,
    env: jinja2.Environment,
) -> APIRouter:
    router = APIRouter()
    # Over plain HTTP (development) a Secure cookie would never come back.
    secure_cookie = keycloak.public_url.startswith("https://")

    def failed(failure: SsoFailed) -> Response:
        return render(
            env,
            "notice.html",
            status_code=failure.status_code,
            user=None,
            title="登录失败",
            message=failure.message,
            retry=True,
        )

    @router.get("/sso/callback", response_class=HTMLResponse)
    def callback(code: str = "", state: str = "", error: str = "") -> Response:
        """Keycloak sends the browser back here: exchange the code, open a session."""
        login = pending.take(state) if state else None
        if error or not code or login is None:
            # Cancelled at Keycloak, a stale or replayed link, or a state we never issued.
            return failed(SsoFailed(400, "登录请求无效或已过期，请重新登录"))
        try:
            token = keycloak.exchange_code(code=code, code_verifier=login.code_verifier)
            user = verifier.user(token, audience_required=False)
        except SsoFailed as failure:
            return failed(failure)
        except TokenRejected:
            return failed(SsoFailed(401, "登录失败：身份令牌无效，请重新登录"))
        response = RedirectResponse(login.wanted, status_code=303)
        response.set_cookie(
            COOKIE, sessions.open(user), httponly=True, samesite="lax", secure=secure_cookie
        )
        return response

    @router.post("/logout")
    def log_out(request: Request) -> Response:
        """End the local session, then the Keycloak one."""
        sessions.close(request.cookies.get(COOKIE))
        response = RedirectResponse(keycloak.logout_url(), status_code=303)
        response.delete_cookie(COOKIE)
        return response

    @router.get("/", response_class=HTMLResponse)
    def home(user: Annotated[SsoUser, Depends(access.current_user)]) -> Response:
        """首页."""
        return render(env, "home.html", user=user)

    return router
