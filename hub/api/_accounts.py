"""The caller's own accounts at systems robots log in to (我的系统账号). Always her own: no path
names another worker, and no response carries a password."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel

from hub import accounts
from hub.deps import SessionDep, StateDep, Worker, community_of
from hub.errors import InvalidInput
from hub.store import AccountView

router = APIRouter(prefix="/api", tags=["api"])


class AccountPublic(AccountView):
    system_name: str


class AccountBind(BaseModel):
    login_name: str
    password: str


class BindOutcome(BaseModel):
    result: str  # verified (200) | checking or failed (202: kept as pending, not used yet)
    message: str
    account: AccountPublic


@router.get("/accounts")
def list_accounts(user: Worker, state: StateDep, session: SessionDep) -> list[AccountPublic]:
    """Her account at each system that robots log in to as her, with its latest uses; and each
    system a robot acts as her in through single sign-on, with those uses."""
    return _public(state, session, user)


@router.put("/accounts/{connector_id}")
async def bind_account(
    connector_id: str,
    body: AccountBind,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    response: Response,
) -> BindOutcome:
    """Bind or replace her account; kept only if a real test login with it works (else 422)."""
    connector = accounts.vault_connector(state, connector_id)
    data = accounts.read_bind(body.login_name, body.password)
    checked = await accounts.bind(
        state=state,
        session=session,
        user=user,
        community=community_of(user),
        connector=connector,
        data=data,
    )
    if checked.result == "rejected":
        raise InvalidInput(
            "test login refused",
            user_message=checked.message,
            field_errors={"password": checked.message},
        )
    if checked.result != "verified":
        response.status_code = 202
    [account] = [a for a in _public(state, session, user) if a.connector_id == connector_id]
    return BindOutcome(result=checked.result, message=checked.message, account=account)


@router.delete("/accounts/{connector_id}", status_code=204)
def unbind_account(
    connector_id: str, user: Worker, state: StateDep, session: SessionDep
) -> Response:
    """Remove her account at this system; the record of its uses stays."""
    connector = accounts.vault_connector(state, connector_id)
    accounts.unbind_account(state=state, session=session, user=user, connector=connector)
    return Response(status_code=204)


def _public(state: StateDep, session: SessionDep, user: Worker) -> list[AccountPublic]:
    """Her bound accounts, then the single-sign-on systems (state "sso") robots act as her in."""
    names = {cid: c.manifest.name for cid, c in state.connectors.items()}
    views = accounts.her_accounts(state=state, session=session, user=user)
    views += accounts.her_sso_uses(session=session, state=state, user=user)
    return [
        AccountPublic(**view.model_dump(), system_name=names[view.connector_id]) for view in views
    ]
