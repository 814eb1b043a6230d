"""The rest of the community's picture: the administrative hierarchy, organizations, vehicles,
the daily work (events), tags on residents, and the history of every change."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from hub.store._models import utcnow


class Region(SQLModel, table=True):
    """A level of the hierarchy: province → city → district → street → community."""

    code: str = Field(primary_key=True, max_length=12)  # GB/T 2260 (6) or statistical (12)
    name: str
    level: str  # province | city | district | street | community
    parent_code: str | None = Field(default=None, foreign_key="region.code", index=True)


class Organization(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    community_code: str = Field(foreign_key="community.code", index=True)
    name: str
    kind: str  # 社会组织 | 企业 | 个体工商户 | 物业 | 学校 | 医疗机构 …
    credit_code: str | None = Field(default=None, max_length=18)  # 统一社会信用代码
    address: str | None = None


class Vehicle(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    community_code: str = Field(foreign_key="community.code", index=True)
    plate_no: str = Field(index=True)
    kind: str = "小型汽车"
    owner_resident_id: int | None = Field(default=None, foreign_key="resident.id")


class CommunityEvent(SQLModel, table=True):
    """The community's daily work: a visit, a complaint, a service, an activity."""

    id: int | None = Field(default=None, primary_key=True)
    community_code: str = Field(foreign_key="community.code", index=True)
    kind: str  # visit | complaint | service | activity
    title: str
    detail: str = ""
    occurred_on: date
    status: str = "open"  # open | closed
    resident_id: int | None = Field(default=None, foreign_key="resident.id", index=True)
    household_id: int | None = Field(default=None, foreign_key="household.id")
    house_id: int | None = Field(default=None, foreign_key="house.id")
    recorded_by: str
    recorded_at: datetime = Field(default_factory=utcnow)


class ResidentTag(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("resident_id", "tag"),
        Index("ix_residenttag_tag", "tag", "resident_id"),  # search by tag
    )

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    tag: str


class ChangeRecord(SQLModel, table=True):
    """Who changed what, when. Personal-data columns are named, never their values."""

    id: int | None = Field(default=None, primary_key=True)
    entity: str = Field(index=True)
    entity_id: str = Field(index=True)
    community_code: str | None = Field(default=None, index=True)
    #: The resident the change is about (her record, her tags, her events), for her history.
    resident_id: int | None = Field(default=None, index=True)
    action: str  # create | update | delete
    changes: str  # JSON: {column: [old, new]}
    actor: str
    at: datetime = Field(default_factory=utcnow)
