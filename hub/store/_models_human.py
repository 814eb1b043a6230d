"""Questions a robot could not answer itself (a CAPTCHA, an SMS code), put to the worker who
submitted, and her answers. Encrypted at rest: a CAPTCHA image may show nothing personal, an
SMS code is a secret for minutes, and the store keeps both sealed alike."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel

from hub.store._models import utcnow


class HumanTask(SQLModel, table=True):
    """One question. States: open (waiting for her), answered (the robot reads the answer),
    expired (nobody answered in time, or the robot asked a new one)."""

    id: str = Field(primary_key=True)  # 32 hex, random; what the portal and the workflow carry
    submission_id: str = Field(foreign_key="submission.id", index=True)
    target: str
    kind: str  # captcha | sms_code | confirm
    prompt: str  # Chinese, written by the connector; never personal data
    image_enc: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    image_type: str | None = None  # image/png, image/jpeg
    answer_enc: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    state: str = "open"
    asked_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    answered_at: datetime | None = None
    answered_by: str | None = None
