"""Workers' own accounts at downstream systems (我的系统账号), kept in the vault.

A credential's login name and password are sealed under its own data key (hub.vault), with
associated data naming the credential, its owner and its system. Binding stores it as pending;
only a real test login makes it verified, and only a verified credential is handed to a robot.
Every hand-over is a CredentialUse row its owner can see. Nothing here logs, and nothing returns
the password except open_credential, which only the activity that logs in calls.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable

from pydantic import BaseModel, SecretStr, field_validator
from sqlmodel import Session, select

from hub.crypto import FieldCipher
from hub.store._audit import append as audit_append
from hub.store._models import utcnow
from hub.store._models_vault import Credential, CredentialUse
from hub.vault import Vault, WrappedKey

USE_ACTIVITIES = frozenset({"deliver", "check_decision", "verify"})
# Credential ids are uuid4 hex (see hub/store/_submissions.py for why the shape is checked).
_ID = re.compile(r"[0-9a-f]{32}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class CredentialBind(BaseModel):
    """What the worker types to bind an account. The password is a SecretStr: its repr, and any
    dump of this model, shows asterisks."""

    login_name: str
    password: SecretStr

    @field_validator("login_name")
    @classmethod
    def _login_name(cls, value: str) -> str:
        value = value.strip()
        if not 1 <= len(value) <= 100 or _CONTROL.search(value):
            raise ValueError("请填写账号（100个字符以内）")
        return value

    @field_validator("password")
    @classmethod
    def _password(cls, value: SecretStr) -> SecretStr:
        if not 1 <= len(value.get_secret_value()) <= 200:
            raise ValueError("请填写密码（200个字符以内）")
        return value


def _aad(credential: Credential, part: str) -> str:
    return "\x00".join(
        (
            "vault.credential",
            part,
            credential.id,
            credential.owner_username,
            credential.connector_id,
        )
    )


def bind_credential(
    *,
    session: Session,
    vault: Vault,
    community: str,
    owner: str,
    connector_id: str,
    data: CredentialBind,
    verified: bool = False,
) -> Credential:
    """Store an account she typed as pending, replacing a pending one not yet checked.

    verified=True (the demo seed only) stores it as verified, replacing whatever she had.
    """
    replaced = select(Credential).where(
        Credential.owner_username == owner, Credential.connector_id == connector_id
    )
    if not verified:
        replaced = replaced.where(Credential.state == "pending")
    for old in session.exec(replaced):
        session.delete(old)
    session.flush()  # the unique (owner, connector, state) must see the old row gone
    credential = Credential(
        id=uuid.uuid4().hex,
        community_code=community,
        owner_username=owner,
        connector_id=connector_id,
        login_sealed="",
        secret_sealed="",
        dek_wrapped="",
        kek_id="",
        state="verified" if verified else "pending",
        verified_at=utcnow() if verified else None,
    )
    dek, wrapped = vault.new_data_key()
    credential.login_sealed = dek.encrypt(data.login_name, aad=_aad(credential, "login"))
    credential.secret_sealed = dek.encrypt(
        data.password.get_secret_value(), aad=_aad(credential, "secret")
    )
    credential.dek_wrapped, credential.kek_id = wrapped.wrapped, wrapped.kek_id
    session.add(credential)
    session.flush()
    return credential


def settle_check(
    *, session: Session, cipher: FieldCipher, credential_id: str, verified: bool
) -> str:
    """After a pending credential's test login: verified replaces what she had; refused is deleted,
    so a wrong password is never kept. Returns verified, discarded, or gone (she re-bound or
    unbound meanwhile, and the newer choice stands). The audit log records which, as the robot
    that tried it."""
    credential = get_credential(session=session, credential_id=credential_id)
    if credential is None or credential.state != "pending":
        return "gone"
    if verified:
        _promote(session, credential)
    else:
        session.delete(credential)
    result = "verified" if verified else "discarded"
    audit_credential(
        session,
        cipher=cipher,
        actor=f"robot:{credential.connector_id}",
        roles=["robot"],
        action="credential_bind",
        credential=credential,
        state=result,
    )
    return result


def _promote(session: Session, credential: Credential) -> None:
    replaced = select(Credential).where(
        Credential.owner_username == credential.owner_username,
        Credential.connector_id == credential.connector_id,
        Credential.id != credential.id,
    )
    for old in session.exec(replaced):
        session.delete(old)
    session.flush()  # deletes first: a flush would otherwise update before it deletes
    credential.state, credential.verified_at = "verified", utcnow()
    session.add(credential)


def get_credential(*, session: Session, credential_id: str) -> Credential | None:
    if not _ID.fullmatch(credential_id):
        return None
    return session.get(Credential, credential_id)


def current_credential(*, session: Session, owner: str, connector_id: str) -> Credential | None:
    """Her verified (or since refused) credential for this system; a pending one is not current."""
    return session.exec(
        select(Credential).where(
            Credential.owner_username == owner,
            Credential.connector_id == connector_id,
            Credential.state != "pending",
        )
    ).first()


def login_name_of(*, vault: Vault, credential: Credential) -> str:
    dek = vault.open_data_key(WrappedKey(credential.kek_id, credential.dek_wrapped))
    return dek.decrypt(credential.login_sealed, aad=_aad(credential, "login"))


def open_credential(*, vault: Vault, credential: Credential) -> tuple[str, str]:
    """(login name, password) in clear: for the activity that logs in with them, nothing else."""
    dek = vault.open_data_key(WrappedKey(credential.kek_id, credential.dek_wrapped))
    return (
        dek.decrypt(credential.login_sealed, aad=_aad(credential, "login")),
        dek.decrypt(credential.secret_sealed, aad=_aad(credential, "secret")),
    )


def record_use(
    *, session: Session, credential: Credential, activity: str, submission_id: str | None
) -> int:
    """Written when the credential is read, before any login: a crash cannot hide a read."""
    if activity not in USE_ACTIVITIES:
        raise ValueError(f"unknown credential use {activity!r}")
    now = utcnow()
    use = CredentialUse(
        credential_id=credential.id,
        owner_username=credential.owner_username,
        connector_id=credential.connector_id,
        activity=activity,
        submission_id=submission_id,
        used_at=now,
    )
    credential.last_used_at = now
    session.add(use)
    session.add(credential)
    session.flush()
    assert use.id is not None
    return use.id


def refuse_use(*, session: Session, use_id: int) -> None:
    """The system refused the login: the use says so, and a verified credential is set aside
    (robots stop trying it, so a changed password cannot lock her account) until she re-binds."""
    use = session.get(CredentialUse, use_id)
    if use is None:
        return
    use.outcome = "rejected"
    session.add(use)
    credential = session.get(Credential, use.credential_id)
    if credential is not None and credential.state == "verified":
        credential.state = "rejected"
        session.add(credential)


def unbind(*, session: Session, owner: str, connector_id: str) -> list[Credential]:
    """Remove her credentials for this system (pending included); the uses stay."""
    rows = session.exec(
        select(Credential).where(
            Credential.owner_username == owner, Credential.connector_id == connector_id
        )
    ).all()
    for row in rows:
        session.delete(row)
    return list(rows)


def audit_credential(
    session: Session,
    *,
    cipher: FieldCipher,
    actor: str,
    roles: Iterable[str],
    action: str,
    credential: Credential,
    **detail: str | None,
) -> None:
    """An audit-log entry (credential_bind or credential_use) naming the credential by id, its
    system and what happened: ids and states, never a login name or a password."""
    audit_append(
        session,
        cipher=cipher,
        actor=actor,
        roles=roles,
        action=action,
        community_code=credential.community_code,
        subject=f"credential:{credential.id}",
        detail={"connector": credential.connector_id, **detail},
    )
