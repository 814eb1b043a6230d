"""How an activity reads a worker's account from the vault: what `ctx.credentials()` calls.

The credential is read when the connector asks for it, not before: a delivery that returns a
heartbeated receipt, or a connector without auth="vault", never touches the vault. Each read is a
CredentialUse row that the worker sees under 我的系统账号, and an entry in the audit log; a login
the target refuses marks that use, and sets the credential aside until she binds it again. The
password never leaves this activity: it is not logged, heartbeated, returned or put into an error.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from connectors.sdk import Credentials
from hub.crypto import FieldCipher
from hub.errors import CredentialsRejected
from hub.store import (
    Credential,
    Submission,
    audit_credential,
    current_credential,
    drop_robot_login,
    get_credential,
    keep_robot_login,
    open_credential,
    open_robot_login,
    record_use,
    refuse_use,
    session_scope,
    state_secrets,
)
from hub.vault import Vault

BIND_FIRST = '请先在"我的系统账号"中绑定{system}账号'
BIND_AGAIN = '{system}拒绝了您绑定的账号，请在"我的系统账号"中重新绑定'
WRONG_PASSWORD = "账号或密码错误"


class CredentialAccess:
    """One activity's access to one worker's account at one system; read at most once.

    For a delivery or a decision check it is the account of the worker who submitted (the
    submission's created_by), verified only; for a binding's test login, the credential by id.
    """

    def __init__(
        self,
        *,
        engine: Engine,
        vault: Vault,
        cipher: FieldCipher,
        connector_id: str,
        system_name: str,
        activity: str,
        submission_id: str | None = None,
        credential_id: str | None = None,
    ) -> None:
        self._engine, self._vault, self._cipher = engine, vault, cipher
        self._connector_id, self._system = connector_id, system_name
        self._activity = activity
        self._submission_id, self._credential_id = submission_id, credential_id
        self._read: Credentials | None = None
        self._use_id: int | None = None
        self._credential: Credential | None = None  # the row read, for the audit log
        self._states: list[dict[str, Any]] = []  # saved logins handed out or kept

    async def __call__(self) -> Credentials:
        if self._read is None:
            self._read = await asyncio.to_thread(self._take)
        return self._read

    def secrets_read(self) -> list[str]:
        """What this activity handed the robot, to be scrubbed from a failure trace: the
        account, and the session cookies of a saved login."""
        read = self._read
        found = [] if read is None else [read.login_name, read.password]
        for state in self._states:
            found += state_secrets(state)
        return found

    async def saved_login(self) -> dict[str, Any] | None:
        """The browser state of the robot's last login with her account (ctx.login_state).

        Handing it out is a use of her account, recorded as a read of the password is; None
        when there is none recent enough, or no verified account (ctx.credentials() then says
        why).
        """
        if self._activity == "verify":
            return None  # a test login must really log in with what she typed

        def take() -> dict[str, Any] | None:
            with session_scope(self._engine, actor=self._actor) as session:
                try:
                    credential = self._find(session)
                except CredentialsRejected:
                    return None
                state = open_robot_login(session=session, vault=self._vault, credential=credential)
                if state is not None:
                    self._record(session, credential)
            return state

        state = await asyncio.to_thread(take)
        if state is not None:
            self._states.append(state)
        return state

    async def keep_login(self, state: dict[str, Any]) -> None:
        """Keep the browser state after a login with her account (ctx.keep_login_state)."""
        self._states.append(state)
        if self._activity == "verify" or self._credential is None:
            return  # only the account this activity read and logged in with

        credential = self._credential

        def keep() -> None:
            with session_scope(self._engine, actor=self._actor) as session:
                keep_robot_login(
                    session=session, vault=self._vault, credential=credential, state=state
                )

        await asyncio.to_thread(keep)

    @property
    def refusal_message(self) -> str:
        """What the worker reads when the target refused the account this activity read."""
        if self._activity == "verify":
            return WRONG_PASSWORD
        return BIND_AGAIN.format(system=self._system)

    async def refused(self) -> bool:
        """The target refused the login. False if no credential had been read (nothing to mark)."""
        if self._use_id is None or self._credential is None:
            return False
        use_id, credential = self._use_id, self._credential

        def mark() -> None:
            with session_scope(self._engine, actor=self._actor) as session:
                refuse_use(session=session, use_id=use_id)
                drop_robot_login(session=session, credential_id=credential.id)
                self._audit(session, credential, outcome="rejected")

        await asyncio.to_thread(mark)
        return True

    @property
    def _actor(self) -> str:
        return f"robot:{self._connector_id}"

    def _take(self) -> Credentials:
        with session_scope(self._engine, actor=self._actor) as session:
            credential = self._find(session)
            login_name, password = open_credential(vault=self._vault, credential=credential)
            self._record(session, credential)
        return Credentials(login_name=login_name, password=password)

    def _record(self, session: Session, credential: Credential) -> None:
        """One use per activity, however it used her account (saved login, then password)."""
        if self._use_id is None:
            self._use_id = record_use(
                session=session,
                credential=credential,
                activity=self._activity,
                submission_id=self._submission_id,
            )
            self._audit(session, credential, outcome="ok")
        self._credential = credential

    def _audit(self, session: Session, credential: Credential, *, outcome: str) -> None:
        audit_credential(
            session,
            cipher=self._cipher,
            actor=self._actor,
            roles=["robot"],
            action="credential_use",
            credential=credential,
            activity=self._activity,
            submission_id=self._submission_id,
            outcome=outcome,
        )

    def _find(self, session: Session) -> Credential:
        if self._credential_id is not None:
            found = get_credential(session=session, credential_id=self._credential_id)
            if found is None:  # she re-bound or unbound while the check waited
                raise CredentialsRejected("credential gone", user_message="该账号已更换或解除绑定")
            return found
        submission = session.get(Submission, self._submission_id or "")
        owner = submission.created_by if submission is not None else ""
        credential = current_credential(
            session=session, owner=owner, connector_id=self._connector_id
        )
        if credential is None:
            raise CredentialsRejected(
                "no credential bound", user_message=BIND_FIRST.format(system=self._system)
            )
        if credential.state != "verified":
            raise CredentialsRejected(
                "credential refused before", user_message=BIND_AGAIN.format(system=self._system)
            )
        return credential
