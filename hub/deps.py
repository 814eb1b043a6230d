"""Request dependencies: the store session, the caller, and role checks."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from hub._state import HubState
from hub.auth import COOKIE, access_token_of, load_session, refresh_if_due
from hub.errors import Forbidden, Unauthenticated
from hub.store import PortalSession, audit, communities_under, session_scope
from identity import InvalidToken, Principal


def get_state(request: Request) -> HubState:
    state: HubState = request.app.state.hub
    return state


StateDep = Annotated[HubState, Depends(get_state)]


def get_session(state: StateDep) -> Iterator[Session]:
    with session_scope(state.engine) as session:
        yield session


# scope="function": the transaction commits before the response leaves. With FastAPI's default
# ("request") the commit ran after the response was sent: a browser following a POST's redirect
# could read before the write landed, and a failed commit still answered success.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_portal_session(
    request: Request, state: StateDep, session: SessionDep
) -> tuple[PortalSession, Principal] | None:
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        return None
    idle = timedelta(minutes=state.settings.hub.session_idle_minutes)
    loaded = load_session(session=session, cipher=state.cipher, cookie=cookie, idle=idle)
    if loaded is None:
        return None
    alive = refresh_if_due(
        session=session,
        cipher=state.cipher,
        row=loaded[0],
        refresh=state.oidc.refresh,
        validate=state.validator.validate,
    )
    if not alive:
        # Keycloak ended her session: the hub's ends too, even though this request now fails.
        user = loaded[1]
        audit.append(
            session,
            cipher=state.cipher,
            actor=user.username,
            roles=user.roles,
            action="logout",
            community_code=user.community_code,
            subject=f"user:{user.username}",
            detail={"via": "sso_ended"},
        )
        session.commit()
        return None
    # A refresh may have brought new roles or another community: read the session again.
    return load_session(session=session, cipher=state.cipher, cookie=cookie, idle=idle)


PortalSessionDep = Annotated[tuple[PortalSession, Principal] | None, Depends(get_portal_session)]


def caller_token(
    request: Request, state: HubState, portal: tuple[PortalSession, Principal] | None
) -> str | None:
    """The caller's own access token: her bearer token (API), or her portal session's."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    if portal is None:
        return None
    return access_token_of(cipher=state.cipher, row=portal[0])


async def get_current_user(
    request: Request, state: StateDep, session: SessionDep, portal: PortalSessionDep
) -> Principal:
    """A bearer token (API clients) or the portal session cookie (the browser).

    The caller becomes the actor of this request's unit of work, so the change history says
    who made each change.
    """
    user = await _authenticate(request, state, portal)
    session.info["actor"] = user.username
    return user


async def bearer_user(request: Request, state: HubState) -> Principal | None:
    """Whoever the request's bearer token names; None without one, 401 for a bad one."""
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    try:
        # A thread: the first validation (or one after a key rotation) fetches the JWKS.
        return await asyncio.to_thread(state.validator.validate, header[7:].strip())
    except InvalidToken as exc:
        raise Unauthenticated(f"bearer token rejected: {exc}") from None


async def _authenticate(
    request: Request, state: HubState, portal: tuple[PortalSession, Principal] | None
) -> Principal:
    bearer = await bearer_user(request, state)
    if bearer is not None:
        return bearer
    if portal is None:
        raise Unauthenticated("no session")
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        # Cookie-authenticated writes carry the session's CSRF token: the portal's forms in a
        # hidden field, its scripts in a header. Bearer callers are not exposed to CSRF.
        sent = request.headers.get("x-csrf-token")
        if sent is None and request.headers.get("content-type", "").startswith(_FORM_TYPES):
            sent = str((await request.form()).get("csrf_token", ""))
        if not sent or not secrets.compare_digest(sent, portal[0].csrf_token):
            raise Forbidden("csrf token missing or wrong", user_message="页面已过期，请刷新后重试")
    return portal[1]


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

CurrentUser = Annotated[Principal, Depends(get_current_user)]


def require_role(role: str) -> Callable[[Principal], Principal]:
    def check(user: CurrentUser) -> Principal:
        if role not in user.roles:
            raise Forbidden(f"role {role} required")
        return user

    return check


def require_any_role(*roles: str) -> Callable[[Principal], Principal]:
    def check(user: CurrentUser) -> Principal:
        if not user.roles & set(roles):
            raise Forbidden(f"one of the roles {', '.join(roles)} required")
        return user

    return check


def community_of(user: Principal) -> str:
    """The caller's community, from her token; callers without one see no residents."""
    if not user.community_code:
        raise Forbidden("no community in token", user_message="您的账号未关联社区")
    return user.community_code


Worker = Annotated[Principal, Depends(require_role("worker"))]
CommunityAdmin = Annotated[Principal, Depends(require_role("community_admin"))]
#: Street and district staff who send data requests (collections, questionnaires) down.
Requester = Annotated[Principal, Depends(require_role("requester"))]
#: IT: connectors and forms.
ItAdmin = Annotated[Principal, Depends(require_role("it_admin"))]
#: Operators and IT: the hub's running state, never residents.
OpsStaff = Annotated[Principal, Depends(require_any_role("operator", "it_admin"))]


VIEWER_ROLES = frozenset({"street_viewer", "district_viewer"})


def visible_communities(user: Principal, session: Session) -> list[str]:
    """The communities whose figures the caller may see: her own, or those under her region."""
    if user.community_code and "worker" in user.roles:
        return [user.community_code]
    if user.region_code and user.roles & VIEWER_ROLES:
        return communities_under(session=session, region_prefix=user.region_code)
    raise Forbidden("no community or region", user_message="您的账号未关联社区或街道")
