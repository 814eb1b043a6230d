"""我的系统账号: a worker binds her own account at a downstream system, checked by a real login.

Shared by the portal and the API. Binding stores the account as pending and commits it, then
starts CredentialCheckWorkflow (a random id; its input is the credential's id, nothing else) and
waits a few seconds for the answer. A check that takes longer goes on without her: the account
stays pending, never used by robots, until the check settles it. Each worker sees and changes only
her own accounts; no role may see another's.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass

from pydantic import ValidationError
from sqlmodel import Session

from connectors.sdk import Connector
from hub._state import HubState
from hub.errors import InvalidInput, NotFound, TargetUnavailable, chinese_field_errors
from hub.store import (
    AccountView,
    Credential,
    CredentialBind,
    accounts_of,
    audit_credential,
    bind_credential,
    unbind,
    uses_of,
)
from identity import Principal
from workflows.credential_check import CredentialCheckWorkflow
from workflows.models import CredentialCheckInput
from workflows.queues import ORCHESTRATION

STILL_CHECKING = "正在用该账号试登录，请稍后刷新本页查看结果"


@dataclass(frozen=True)
class CheckResult:
    result: str  # verified | rejected | failed | checking
    message: str  # Chinese, for her


def vault_connectors(state: HubState) -> dict[str, Connector]:
    """The installed connectors that log in with each worker's own account."""
    return {cid: c for cid, c in state.connectors.items() if c.manifest.auth == "vault"}


def vault_connector(state: HubState, connector_id: str) -> Connector:
    connector = vault_connectors(state).get(connector_id)
    if connector is None:
        raise NotFound(f"no vault connector {connector_id!r}", user_message="没有这个系统")
    return connector


def her_accounts(*, state: HubState, session: Session, user: Principal) -> list[AccountView]:
    return accounts_of(
        session=session,
        vault=state.vault,
        owner=user.username,
        connector_ids=list(vault_connectors(state)),
    )


def sso_connectors(state: HubState) -> dict[str, Connector]:
    """The installed connectors whose robots act as her through single sign-on."""
    return {cid: c for cid, c in state.connectors.items() if c.manifest.auth == "sso"}


def her_sso_uses(*, session: Session, state: HubState, user: Principal) -> list[AccountView]:
    """Each single-sign-on system, with the robots' latest uses of her identity there."""
    return [
        AccountView(
            connector_id=connector_id,
            state="sso",
            login_name=user.username,
            verified_at=None,
            last_used_at=None,
            pending_login_name=None,
            uses=uses_of(session, user.username, connector_id),
        )
        for connector_id in sso_connectors(state)
    ]


def unbind_account(
    *, state: HubState, session: Session, user: Principal, connector: Connector
) -> None:
    """Remove her account at this system (and a pending one); the record of its uses stays."""
    for removed in unbind(session=session, owner=user.username, connector_id=connector.manifest.id):
        _audit(state, session, user, removed, state="removed")


def _audit(
    hub: HubState, session: Session, user: Principal, credential: Credential, *, state: str
) -> None:
    audit_credential(
        session,
        cipher=hub.cipher,
        actor=user.username,
        roles=user.roles,
        action="credential_bind",
        credential=credential,
        state=state,
    )


def read_bind(login_name: str, password: str) -> CredentialBind:
    try:
        return CredentialBind.model_validate({"login_name": login_name, "password": password})
    except ValidationError as exc:
        # Only the field names and our messages: a ValidationError's text quotes the input.
        errors = chinese_field_errors(exc.errors(include_input=False))
        raise InvalidInput("credential form", field_errors=errors) from None


async def bind(
    *,
    state: HubState,
    session: Session,
    user: Principal,
    community: str,
    connector: Connector,
    data: CredentialBind,
) -> CheckResult:
    """Keep her account as pending, try it at the target, and say how that went."""
    if state.temporal is None:  # before storing anything: nothing could check it
        raise TargetUnavailable("temporal client not connected")
    credential = bind_credential(
        session=session,
        vault=state.vault,
        community=community,
        owner=user.username,
        connector_id=connector.manifest.id,
        data=data,
    )
    _audit(state, session, user, credential, state="pending")
    session.commit()  # the check reads it from another process
    manifest = connector.manifest
    handle = await state.temporal.start_workflow(
        CredentialCheckWorkflow.run,
        CredentialCheckInput(
            credential_id=credential.id,
            connector_id=manifest.id,
            start_to_close_timeout_s=manifest.start_to_close_timeout_s,
            heartbeat_timeout_s=manifest.heartbeat_timeout_s,
        ),
        id=f"credential-check-{uuid.uuid4().hex}",
        task_queue=ORCHESTRATION,
    )
    try:
        outcome = await asyncio.wait_for(handle.result(), timeout=state.settings.vault.check_wait_s)
    except TimeoutError:  # only our waiting stops; the check goes on
        return CheckResult("checking", STILL_CHECKING)
    finally:
        session.expire_all()  # the check changed the rows behind this session's back
    return CheckResult(outcome.result, outcome.message)
