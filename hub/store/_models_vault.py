"""Tables of the credential vault: workers' own accounts at downstream systems, and their uses.

Neither table is in the change history (hub/store/_history.py audits a fixed list of tables):
a credential's history is its CredentialUse rows, which name no secret.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from hub.store._models import utcnow


class Credential(SQLModel, table=True):
    """One worker's account at one system, sealed under its own data key (see hub.vault).

    States: pending (typed, its test login not finished), verified (robots use it), rejected (the
    system refused it later; robots stop using it until she binds again). A worker has at most one
    verified-or-rejected credential per system, and at most one pending beside it: a replacement
    is checked while the credential it replaces keeps working.
    """

    __table_args__ = (UniqueConstraint("owner_username", "connector_id", "state"),)

    id: str = Field(primary_key=True)  # uuid4 hex; all the check workflow carries
    community_code: str = Field(foreign_key="community.code", index=True)
    owner_username: str = Field(index=True)
    connector_id: str
    login_sealed: str  # AES-GCM under the data key; shown to its owner only
    secret_sealed: str  # the password, AES-GCM under the data key; never shown to anyone
    dek_wrapped: str  # the data key, wrapped by the KEK kek_id (RFC 3394), base64
    kek_id: str
    state: str = "pending"  # pending | verified | rejected
    created_at: datetime = Field(default_factory=utcnow)
    verified_at: datetime | None = None
    last_used_at: datetime | None = None


class CredentialUse(SQLModel, table=True):
    """A robot read a worker's credential inside one activity: who, for what, and how it went.

    No foreign key to the credential: the uses of a replaced or removed credential stay visible to
    its owner.
    """

    __table_args__ = (Index("ix_credentialuse_owner", "owner_username", "connector_id", "used_at"),)

    id: int | None = Field(default=None, primary_key=True)
    credential_id: str = Field(index=True)
    owner_username: str
    connector_id: str
    activity: str  # deliver | check_decision | verify
    submission_id: str | None = Field(default=None, foreign_key="submission.id")
    outcome: str = "ok"  # ok (read, login not refused) | rejected (the system refused the login)
    used_at: datetime = Field(default_factory=utcnow)


class DelegatedToken(SQLModel, table=True):
    """An access token that lets a robot act as one worker at one single-sign-on system.

    Keycloak issued it to the hub by exchanging her own token while she submitted (standard token
    exchange, audience: that system only). It is sealed like a credential, under its own data key,
    read only inside the delivery activity, and deleted once the delivery has an outcome. It lives
    minutes: when it has expired the delivery waits for her to log in again, and the fresh token
    replaces this row.
    """

    __table_args__ = (UniqueConstraint("submission_id", "connector_id"),)

    id: str = Field(primary_key=True)  # uuid4 hex; recorded as the credential of its uses
    submission_id: str = Field(foreign_key="submission.id")
    connector_id: str
    owner_username: str  # whose token it is: always the worker who submitted
    token_sealed: str  # AES-GCM under the data key
    dek_wrapped: str
    kek_id: str
    expires_at: datetime
    created_at: datetime = Field(default_factory=utcnow)


class RobotLogin(SQLModel, table=True):
    """The browser state (session cookies) of a robot's last login with one bound account, so the
    next delivery does not log in again. Sealed like the credential, keyed by it: a re-bound
    account starts without one, and removing the credential leaves this row unusable."""

    id: str = Field(primary_key=True)  # the credential's id
    owner_username: str
    connector_id: str
    state_sealed: str  # Playwright storage_state JSON, AES-GCM under the data key
    dek_wrapped: str
    kek_id: str
    saved_at: datetime = Field(default_factory=utcnow)
