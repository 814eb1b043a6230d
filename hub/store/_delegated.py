"""Delegated single-sign-on tokens: how a robot acts as the worker who submitted at a system
that trusts Keycloak (manifest auth="sso").

The portal exchanges her access token for one whose only audience is the target system while she
submits (Keycloak standard token exchange), and keeps it here sealed under its own data key, like
a vault credential. The delivery activity opens it when the connector asks; each read is a
CredentialUse row she sees under 我的系统账号, and an audit entry. Once the delivery has an outcome
the token is deleted: it is worth nothing after a few minutes anyway.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, delete, select

from hub.crypto import FieldCipher
from hub.store._audit import append as audit_append
from hub.store._models import Submission, utcnow
from hub.store._models_vault import CredentialUse, DelegatedToken
from hub.vault import Vault, WrappedKey


def _aad(row: DelegatedToken) -> str:
    return "\x00".join(
        ("vault.delegated", row.id, row.submission_id, row.connector_id, row.owner_username)
    )


def keep_delegated_token(
    *,
    session: Session,
    vault: Vault,
    submission_id: str,
    connector_id: str,
    owner: str,
    token: str,
    expires_at: datetime,
) -> DelegatedToken:
    """Seal her exchanged token for this delivery, replacing one kept before (a re-login)."""
    drop_delegated_tokens(session=session, submission_id=submission_id, connector_id=connector_id)
    session.flush()  # the unique (submission, connector) must see the old row gone
    row = DelegatedToken(
        id=uuid.uuid4().hex,
        submission_id=submission_id,
        connector_id=connector_id,
        owner_username=owner,
        token_sealed="",
        dek_wrapped="",
        kek_id="",
        expires_at=expires_at,
    )
    dek, wrapped = vault.new_data_key()
    row.token_sealed = dek.encrypt(token, aad=_aad(row))
    row.dek_wrapped, row.kek_id = wrapped.wrapped, wrapped.kek_id
    session.add(row)
    session.flush()
    return row


def delegated_token(
    *, session: Session, submission_id: str, connector_id: str
) -> DelegatedToken | None:
    return session.exec(
        select(DelegatedToken).where(
            DelegatedToken.submission_id == submission_id,
            DelegatedToken.connector_id == connector_id,
        )
    ).first()


def open_delegated_token(*, vault: Vault, row: DelegatedToken) -> str:
    """The token in clear: for the activity that sends it to the target, nothing else."""
    dek = vault.open_data_key(WrappedKey(row.kek_id, row.dek_wrapped))
    return dek.decrypt(row.token_sealed, aad=_aad(row))


def drop_delegated_tokens(
    *, session: Session, submission_id: str, connector_id: str | None = None
) -> None:
    stmt = delete(DelegatedToken).where(col(DelegatedToken.submission_id) == submission_id)
    if connector_id is not None:
        stmt = stmt.where(col(DelegatedToken.connector_id) == connector_id)
    session.exec(stmt)  # type: ignore[call-overload]  # sqlmodel types exec() for selects only


def record_token_use(
    *,
    session: Session,
    cipher: FieldCipher,
    row: DelegatedToken,
    activity: str,
) -> int:
    """Written when the token is read, before it is sent: a crash cannot hide a use."""
    use = CredentialUse(
        credential_id=row.id,
        owner_username=row.owner_username,
        connector_id=row.connector_id,
        activity=activity,
        submission_id=row.submission_id,
        used_at=utcnow(),
    )
    session.add(use)
    session.flush()
    audit_token_use(session, cipher=cipher, row=row, activity=activity, outcome="ok")
    assert use.id is not None
    return use.id


def audit_token_use(
    session: Session,
    *,
    cipher: FieldCipher,
    row: DelegatedToken,
    activity: str,
    outcome: str,
    roles: Iterable[str] = ("robot",),
) -> None:
    """An audit entry naming the token by id, its system and what happened; never the token."""
    submission = session.get(Submission, row.submission_id)
    audit_append(
        session,
        cipher=cipher,
        actor=f"robot:{row.connector_id}",
        roles=roles,
        action="credential_use",
        community_code=submission.community_code if submission is not None else None,
        subject=f"delegated_token:{row.id}",
        detail={
            "connector": row.connector_id,
            "activity": activity,
            "submission_id": row.submission_id,
            "outcome": outcome,
        },
    )
