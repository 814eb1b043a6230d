"""我的系统账号: the worker's own accounts at systems robots log in to, bound after a test login,
and every time a robot used one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session

from hub import accounts
from hub._state import HubState
from hub.deps import PortalSessionDep, SessionDep, StateDep, Worker, community_of
from hub.errors import InvalidInput
from hub.portal._render import page
from identity import Principal, downstream_clients

router = APIRouter(include_in_schema=False)

USE_WORDS = {"deliver": "提交申请", "check_decision": "查询审核结果", "verify": "验证账号"}
OUTCOME_WORDS = {"ok": "已使用", "rejected": "登录被拒绝"}


@dataclass
class FailedBind:
    """A binding that was not kept: its form opens again with the login name (never the
    password) and the reason."""

    connector_id: str
    login_name: str
    message: str
    errors: dict[str, str] = field(default_factory=dict)
    status_code: int = 422


@router.get("/accounts")
def accounts_page(
    request: Request, user: Worker, state: StateDep, session: SessionDep, portal: PortalSessionDep
) -> HTMLResponse:
    return _page(request, portal, state, session, user)


@router.post("/accounts/{connector_id}", response_model=None)
async def bind_account(
    request: Request,
    connector_id: str,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
    login_name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    """Bind or replace her account; kept only if a real login with it works."""
    connector = accounts.vault_connector(state, connector_id)
    try:
        data = accounts.read_bind(login_name, password)
    except InvalidInput as exc:
        failed = FailedBind(connector_id, login_name, exc.user_message, exc.field_errors)
        return _page(request, portal, state, session, user, failed)
    checked = await accounts.bind(
        state=state,
        session=session,
        user=user,
        community=community_of(user),
        connector=connector,
        data=data,
    )
    if checked.result in ("verified", "checking"):
        return RedirectResponse(f"/accounts?{checked.result}={connector_id}", status_code=303)
    if checked.result == "rejected":  # already deleted: a wrong password is never kept
        errors = {"password": checked.message}
        failed = FailedBind(connector_id, data.login_name, checked.message, errors)
    else:  # the target could not be reached: kept as pending, never used until checked
        failed = FailedBind(connector_id, data.login_name, checked.message, status_code=503)
    return _page(request, portal, state, session, user, failed)


@router.post("/accounts/{connector_id}/delete")
def unbind_account(
    connector_id: str, user: Worker, state: StateDep, session: SessionDep
) -> RedirectResponse:
    """解除绑定: robots can no longer log in as her there; the record of past uses stays."""
    connector = accounts.vault_connector(state, connector_id)
    accounts.unbind_account(state=state, session=session, user=user, connector=connector)
    return RedirectResponse(f"/accounts?removed={connector_id}", status_code=303)


def _page(
    request: Request,
    portal: PortalSessionDep,
    state: HubState,
    session: Session,
    user: Principal,
    failed: FailedBind | None = None,
) -> HTMLResponse:
    names = {cid: c.manifest.name for cid, c in state.connectors.items()}
    return page(
        request,
        "accounts.html",
        portal,
        status_code=failed.status_code if failed else 200,
        accounts=accounts.her_accounts(state=state, session=session, user=user),
        names=names,
        use_words=USE_WORDS,
        outcome_words=OUTCOME_WORDS,
        failed=failed,
        notice={k: request.query_params.get(k) for k in ("verified", "checking", "removed")},
        still_checking=accounts.STILL_CHECKING,
        # Systems that trust Keycloak need no account here: she opens them already logged in.
        sso_systems=downstream_clients(state.settings),
        sso_uses=accounts.her_sso_uses(session=session, state=state, user=user),
    )
