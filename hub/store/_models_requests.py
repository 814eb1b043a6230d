"""Data requests from above (数据下发/收集, issue #7): a street or district sends a collection
table or a questionnaire to communities under it; each community completes its part.

A collection's rows are made when it is sent, one per resident its template's rows select,
holding what the store knew then; workers complete what is missing. A questionnaire's rows are
residents' answers through the community's own link. Row values are personal data: encrypted.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from hub.store._models import utcnow

#: AES-GCM associated data of a row's values: a row's ciphertext is no other field's.
ROW_CONTEXT = "data_request_row"


class DataRequest(SQLModel, table=True):
    __tablename__ = "data_request"

    id: str = Field(primary_key=True, max_length=32)  # random hex: it is in links
    kind: str  # collection | questionnaire (the template's kind)
    form_id: str
    form_version: int
    title: str
    note: str = ""
    deadline: date
    #: The sender's region (a street 320206104, a district 320206): who may see the request.
    region_code: str = Field(index=True)
    sent_by: str  # a username
    sent_by_name: str
    sent_at: datetime = Field(default_factory=utcnow)


class DataRequestCommunity(SQLModel, table=True):
    """One community asked: its progress, and a questionnaire's fill-in link."""

    __tablename__ = "data_request_community"
    __table_args__ = (UniqueConstraint("request_id", "community_code"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: str = Field(foreign_key="data_request.id", index=True)
    community_code: str = Field(foreign_key="community.code", index=True)
    #: A questionnaire's link for this community's residents (/q/<token>): random, no account.
    link_token: str | None = Field(default=None, unique=True, max_length=32)
    submitted_at: datetime | None = None
    submitted_by: str | None = None


class DataRequestRow(SQLModel, table=True):
    """A collection's row (one resident) or a questionnaire's answer sheet."""

    __tablename__ = "data_request_row"
    __table_args__ = (UniqueConstraint("request_id", "client_key"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: str = Field(foreign_key="data_request.id", index=True)
    community_code: str = Field(foreign_key="community.code")
    resident_id: int | None = Field(default=None, foreign_key="resident.id")
    #: The row's values as JSON, encrypted (context data_request_row).
    values_enc: str
    #: The values pass the template's rules: nothing left to fill in.
    complete: bool = False
    #: A questionnaire page's key: the same answers posted twice are kept once.
    client_key: str | None = Field(default=None, max_length=64)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str | None = None  # a username; None for a resident's own answers
