"""Portal login and logout routes."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from hub._state import HubState
from hub.auth._sessions import COOKIE, close_session, open_session
from hub.deps import CurrentUser, SessionDep, StateDep
from hub.errors import Unauthenticated
from hub.portal import templates
from hub.store import audit
from identity import InvalidToken, Principal

router = APIRouter(prefix="/auth", include_in_schema=False)


def _safe_return(path: str) -> str:
    # Only same-site paths: never an open redirect to another host.
    return path if path.startswith("/") and not path.startswith("//") else "/"


@router.get("/login")
def login(state: StateDep, session: SessionDep, next: str = "/") -> RedirectResponse:
    url = state.oidc.begin_login(session=session, return_to=_safe_return(next))
    return RedirectResponse(url, status_code=303)


@router.get("/callback")
async def callback(
    request: Request,
    state: StateDep,
    session: SessionDep,
    code: str = "",
    error: str = "",
) -> RedirectResponse:
    login_state = state.oidc.take_login_state(
        session=session, state=request.query_params.get("state", "")
    )
    session.commit()  # the state is spent even if what follows fails
    if error or not code:
        raise Unauthenticated(f"keycloak returned {error or 'no code'}")
    tokens = await state.oidc.exchange_code(code=code, login=login_state)
    try:
        principal = await asyncio.to_thread(state.validator.validate, tokens["access_token"])
    except InvalidToken as exc:
        raise Unauthenticated(f"access token rejected: {exc}") from None
    idle = timedelta(minutes=state.settings.hub.session_idle_minutes)
    cookie = open_session(
        session=session, cipher=state.cipher, principal=principal, tokens=tokens, idle=idle
    )
    _audit(session, state, principal, "login")
    response = RedirectResponse(login_state.return_to, status_code=303)
    response.set_cookie(
        COOKIE,
        cookie,
        httponly=True,
        samesite="lax",
        path="/",
        secure=state.settings.hub.url.startswith("https://"),
    )
    return response


@router.post("/logout")
def logout(
    request: Request, user: CurrentUser, state: StateDep, session: SessionDep
) -> RedirectResponse:
    # A caller with a bearer token (no portal cookie) has no hub session to close.
    cookie = request.cookies.get(COOKIE)
    id_token = (
        close_session(session=session, cipher=state.cipher, cookie=cookie) if cookie else None
    )
    _audit(session, state, user, "logout")
    url = state.oidc.logout_url(
        id_token=id_token, post_logout_redirect=f"{state.settings.hub.url}/auth/logged-out"
    )
    response = RedirectResponse(url, status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/logged-out")
def logged_out(request: Request) -> HTMLResponse:
    """Where Keycloak sends her back after single logout."""
    page: HTMLResponse = templates.TemplateResponse(request, "logged_out.html", {"user": None})
    return page


def _audit(session: Session, state: HubState, user: Principal, action: str) -> None:
    """Portal sign-ins and sign-outs go to the audit log, in the session's own transaction."""
    audit.append(
        session,
        cipher=state.cipher,
        actor=user.username,
        roles=user.roles,
        action=action,
        community_code=user.community_code,
        subject=f"user:{user.username}",
        detail={"via": "portal"},
    )
