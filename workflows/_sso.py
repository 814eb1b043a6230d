"""How an activity reads a delegated single-sign-on token: what `ctx.sso_token()` calls.

The token was exchanged for the worker while she submitted (hub/delegation.py) and sealed in the
vault for this one delivery. It is read when the connector asks for it, not before; each read is
a CredentialUse row she sees under 我的系统账号, and an audit entry. An expired or missing token,
or one the target refuses, raises SsoLoginRequired: the workflow then waits for her to log in
again. The token never leaves this activity: it is not logged, heartbeated, returned or raised.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import Engine

from hub.crypto import FieldCipher
from hub.errors import SsoLoginRequired
from hub.store import (
    audit_token_use,
    delegated_token,
    drop_delegated_tokens,
    open_delegated_token,
    record_token_use,
    refuse_use,
    session_scope,
)
from hub.store._models import utcnow
from hub.vault import Vault

#: A token this close to its end is not sent: it could expire between pages of one delivery.
_MARGIN = timedelta(seconds=30)
RELOGIN = "{system}需要确认您的身份：请点击“重新登录并继续报送”"


class SsoTokenAccess:
    """One activity's access to the submitting worker's token for one system; read at most once."""

    def __init__(
        self,
        *,
        engine: Engine,
        vault: Vault,
        cipher: FieldCipher,
        connector_id: str,
        system_name: str,
        activity: str,
        submission_id: str,
    ) -> None:
        self._engine, self._vault, self._cipher = engine, vault, cipher
        self._connector_id, self._system = connector_id, system_name
        self._activity, self._submission_id = activity, submission_id
        self._token: str | None = None
        self._use_id: int | None = None

    def secrets_read(self) -> list[str]:
        """What this activity handed the robot, to be scrubbed from a failure trace."""
        return [] if self._token is None else [self._token]

    @property
    def relogin_message(self) -> str:
        return RELOGIN.format(system=self._system)

    async def __call__(self) -> str:
        if self._token is None:
            self._token = await asyncio.to_thread(self._take)
        return self._token

    async def refused(self) -> None:
        """The target refused the token: the use says so, and the token is dropped."""
        use_id = self._use_id

        def mark() -> None:
            with session_scope(self._engine, actor=f"robot:{self._connector_id}") as session:
                row = delegated_token(
                    session=session,
                    submission_id=self._submission_id,
                    connector_id=self._connector_id,
                )
                if use_id is not None and row is not None:
                    refuse_use(session=session, use_id=use_id)
                    audit_token_use(
                        session,
                        cipher=self._cipher,
                        row=row,
                        activity=self._activity,
                        outcome="rejected",
                    )
                drop_delegated_tokens(
                    session=session,
                    submission_id=self._submission_id,
                    connector_id=self._connector_id,
                )

        await asyncio.to_thread(mark)

    def _take(self) -> str:
        with session_scope(self._engine, actor=f"robot:{self._connector_id}") as session:
            row = delegated_token(
                session=session,
                submission_id=self._submission_id,
                connector_id=self._connector_id,
            )
            if row is None or row.expires_at - _MARGIN <= utcnow():
                why = "no delegated token" if row is None else "delegated token expired"
                raise SsoLoginRequired(why, user_message=self.relogin_message)
            token = open_delegated_token(vault=self._vault, row=row)
            self._use_id = record_token_use(
                session=session, cipher=self._cipher, row=row, activity=self._activity
            )
        return token
