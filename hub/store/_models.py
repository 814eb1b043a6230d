"""Tables of the community store. Personal data columns hold ciphertext (see hub.crypto)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class Community(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=12)  # 12-digit statistical code
    name: str
    street_name: str
    district_code: str = Field(max_length=6)  # GB/T 2260
    street_code: str | None = Field(default=None, foreign_key="region.code")


class House(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    community_code: str = Field(foreign_key="community.code", index=True)
    building: str
    unit: str
    room: str
    use: str = "住宅"  # 住宅 | 商业 | 办公 | 其他
    ownership: str = "自有"  # 自有 | 租赁 | 公房 | 其他
    safety_status: str = "安全"  # 安全 | 一般隐患 | C级危房 | D级危房


class Household(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    community_code: str = Field(foreign_key="community.code", index=True)
    house_id: int | None = Field(default=None, foreign_key="house.id")
    address: str
    household_type: str = "家庭户"


class Resident(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    community_code: str = Field(foreign_key="community.code", index=True)
    household_id: int | None = Field(default=None, foreign_key="household.id", index=True)
    relation_to_head: str = "户主"
    name_enc: str
    name_index: str = Field(index=True)
    id_number_enc: str
    id_number_index: str = Field(index=True, unique=True)
    id_number_masked: str  # e.g. 3202**********1234, for lists
    phone_enc: str | None = None
    sex: str = Field(max_length=1)  # GB/T 2261.1: 1 male, 2 female
    birth_date: date
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ResidentNameToken(SQLModel, table=True):
    """Truncated blind indexes of the one- and two-character pieces of her name, so part of a
    name finds her without decrypting the whole community; the few false matches a truncated
    index lets through are dropped after decrypting the candidates. Derived data: rebuilt from
    the name, never in the change history."""

    __table_args__ = (
        Index("ix_residentnametoken_lookup", "community_code", "token", "resident_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    community_code: str = Field(foreign_key="community.code")
    token: str = Field(max_length=8)


class Submission(SQLModel, table=True):
    id: str = Field(primary_key=True)  # uuid4 hex; the workflow id is derived from it
    community_code: str = Field(foreign_key="community.code", index=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    form_id: str
    form_version: int
    client_key: str = Field(unique=True)  # idempotency key sent by the browser
    data_enc: str  # the submitted form, encrypted JSON
    targets: str  # comma-separated connector ids
    created_by: str
    created_at: datetime = Field(default_factory=utcnow)
    #: The submission this one corrects (修改后重新报送); submissions are never changed in place.
    amends_id: str | None = Field(default=None, foreign_key="submission.id", index=True)


class Delivery(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("submission_id", "target"),)

    id: int | None = Field(default=None, primary_key=True)
    submission_id: str = Field(foreign_key="submission.id", index=True)
    target: str
    status: str = "pending"  # pending | running | needs_login | succeeded | rejected | failed
    receipt_no: str | None = None
    evidence_id: str | None = None
    message: str | None = None  # shown to the worker; never personal data
    #: What ended a failed delivery: the error's class name (RobotBroken, TargetUnavailable…);
    #: the ops page lists those only IT can mend, and counts the last week's by updated_at.
    error_type: str | None = Field(default=None, index=True)
    updated_at: datetime = Field(default_factory=utcnow, index=True)
    # The target's review decision, brought back after it accepted the application (回流).
    decision: str | None = None  # approved | rejected | unknown (no answer within the wait)
    decision_amount_fen: int | None = None  # approved amount in fen: exact, no float rounding
    decision_amount_per: str | None = None  # what the amount is per, e.g. 月
    decision_starts_on: date | None = None
    decided_on: date | None = None
    decision_reason: str | None = None  # the target's words


class Evidence(SQLModel, table=True):
    id: str = Field(primary_key=True)
    submission_id: str = Field(foreign_key="submission.id", index=True)
    target: str
    content_type: str
    blob_enc: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class ResidentEvent(SQLModel, table=True):
    """One line of a resident's timeline: what was sent where, with what result."""

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    community_code: str = Field(foreign_key="community.code", index=True)
    kind: str
    summary: str
    submission_id: str | None = Field(default=None, foreign_key="submission.id")
    target: str | None = None
    receipt_no: str | None = None
    evidence_id: str | None = None
    occurred_at: datetime = Field(default_factory=utcnow)


class PortalSession(SQLModel, table=True):
    """Server-side portal session; the browser cookie holds only the random session id."""

    id_hash: str = Field(primary_key=True)  # sha256 of the cookie value
    subject: str
    username: str
    profile_enc: str  # encrypted JSON: display name, roles, community code
    tokens_enc: str  # encrypted JSON: access, refresh and id tokens
    csrf_token: str
    created_at: datetime = Field(default_factory=utcnow)
    last_seen: datetime = Field(default_factory=utcnow)
    expires_at: datetime


class LoginState(SQLModel, table=True):
    """An OIDC login in flight: state -> PKCE verifier and nonce, used once."""

    state: str = Field(primary_key=True)
    code_verifier: str
    nonce: str
    return_to: str = "/"
    created_at: datetime = Field(default_factory=utcnow)
