"""Robots' saved logins: the browser state of the last login with a worker's bound account.

A robot that logs in for every delivery spends most of its time on the login page, and some
systems lock an account that logs in too often. So after a login the robot keeps the browser's
storage state (its session cookies) here, sealed under its own data key like the credential it
came from, and the next delivery with that account starts from it. A state older than MAX_AGE
is not handed out (most systems end idle sessions long before); one the system no longer
accepts is replaced at the robot's next login.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from hub.store._models import utcnow
from hub.store._models_vault import Credential, RobotLogin
from hub.vault import Vault, WrappedKey

MAX_AGE = timedelta(hours=8)


def _aad(row: RobotLogin) -> str:
    return "\x00".join(("vault.robot_login", row.id, row.owner_username, row.connector_id))


def keep_robot_login(
    *, session: Session, vault: Vault, credential: Credential, state: dict[str, Any]
) -> None:
    row = session.get(RobotLogin, credential.id) or RobotLogin(
        id=credential.id,
        owner_username=credential.owner_username,
        connector_id=credential.connector_id,
        state_sealed="",
        dek_wrapped="",
        kek_id="",
    )
    dek, wrapped = vault.new_data_key()
    row.state_sealed = dek.encrypt(json.dumps(state), aad=_aad(row))
    row.dek_wrapped, row.kek_id = wrapped.wrapped, wrapped.kek_id
    row.saved_at = utcnow()
    session.add(row)


def open_robot_login(
    *, session: Session, vault: Vault, credential: Credential
) -> dict[str, Any] | None:
    """The saved state for this credential, if it is recent enough to be worth trying."""
    row = session.get(RobotLogin, credential.id)
    if row is None or utcnow() - row.saved_at > MAX_AGE:
        return None
    dek = vault.open_data_key(WrappedKey(row.kek_id, row.dek_wrapped))
    state: dict[str, Any] = json.loads(dek.decrypt(row.state_sealed, aad=_aad(row)))
    return state


def drop_robot_login(*, session: Session, credential_id: str) -> None:
    row = session.get(RobotLogin, credential_id)
    if row is not None:
        session.delete(row)


def state_secrets(state: dict[str, Any] | None) -> list[str]:
    """The cookie values in a state: secrets to scrub from a failure trace."""
    if not state:
        return []
    return [str(c.get("value", "")) for c in state.get("cookies", []) if c.get("value")]
