"""What a worker sees of her own credentials: the login names, their state, and every use.

There is no field for the password here, so no page or API response built from these views can
carry one.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from hub.clock import BEIJING
from hub.store._credentials import login_name_of
from hub.store._models_vault import Credential, CredentialUse
from hub.vault import Vault


class CredentialUseView(BaseModel):
    """Her account's uses by one robot for one purpose (and submission) with one outcome: a
    decision check logs in every few hours for weeks, and should not bury the delivery."""

    connector_id: str  # the robot: each connector is one
    activity: str  # deliver | check_decision | verify
    submission_id: str | None
    outcome: str  # ok | rejected
    used_at: str  # the latest, Beijing time, YYYY-MM-DD HH:MM
    first_used_at: str
    times: int


class AccountView(BaseModel):
    connector_id: str
    state: str  # unbound | verified | rejected; sso: her single sign-on, no account to bind
    login_name: str | None
    verified_at: str | None
    last_used_at: str | None
    #: The login name of a binding whose test login has not finished.
    pending_login_name: str | None
    uses: list[CredentialUseView]


def accounts_of(
    *, session: Session, vault: Vault, owner: str, connector_ids: list[str], uses: int = 10
) -> list[AccountView]:
    """Her account at each of these systems, with its latest uses (grouped, newest first)."""
    rows = session.exec(select(Credential).where(Credential.owner_username == owner)).all()
    views = []
    for connector_id in connector_ids:
        mine = [r for r in rows if r.connector_id == connector_id]
        current = next((r for r in mine if r.state != "pending"), None)
        pending = next((r for r in mine if r.state == "pending"), None)
        views.append(
            AccountView(
                connector_id=connector_id,
                state=current.state if current else "unbound",
                login_name=login_name_of(vault=vault, credential=current) if current else None,
                verified_at=_shown(current.verified_at) if current else None,
                last_used_at=_shown(current.last_used_at) if current else None,
                pending_login_name=(
                    login_name_of(vault=vault, credential=pending) if pending else None
                ),
                uses=uses_of(session, owner, connector_id, uses),
            )
        )
    return views


def uses_of(
    session: Session, owner: str, connector_id: str, limit: int = 10
) -> list[CredentialUseView]:
    """Her latest uses at one system: of her bound account, or of her single sign-on."""
    latest, first = func.max(CredentialUse.used_at), func.min(CredentialUse.used_at)
    group = (
        col(CredentialUse.activity),
        col(CredentialUse.submission_id),
        col(CredentialUse.outcome),
    )
    rows = session.execute(
        sa_select(*group, latest, first, func.count())
        .where(
            col(CredentialUse.owner_username) == owner,
            col(CredentialUse.connector_id) == connector_id,
        )
        .group_by(*group)
        .order_by(latest.desc())
        .limit(limit)
    ).all()
    return [
        CredentialUseView(
            connector_id=connector_id,
            activity=activity,
            submission_id=submission_id,
            outcome=outcome,
            used_at=_shown(last) or "",
            first_used_at=_shown(earliest) or "",
            times=times,
        )
        for activity, submission_id, outcome, last, earliest, times in rows
    ]


def _shown(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
