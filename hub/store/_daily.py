"""The community's daily work (events), tags on residents, households and the change history."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, Field, field_validator
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from hub.clock import beijing_today
from hub.crypto import FieldCipher
from hub.errors import InvalidInput, NotFound
from hub.store import _audit as audit
from hub.store._models import Resident
from hub.store._models_daily import ChangeRecord, CommunityEvent, ResidentTag
from hub.store._patch import NOT_NULL, apply_patch
from hub.store._residents import decrypt_phone, resident_id_number
from hub.store._timeline import EVENT_WORDS

#: The tags a community keeps on residents (重点人群). 高龄 is also derived from age for reports.
TAGS = ("高龄", "独居", "空巢", "退役军人", "残疾人", "低保", "特困", "党员", "重点关注")
EVENT_KINDS = EVENT_WORDS
EVENT_STATUSES = {"open": "未办结", "closed": "已办结"}


class EventCreate(BaseModel):
    kind: str
    title: str = Field(min_length=2, max_length=100)
    detail: str = Field(default="", max_length=2000)
    occurred_on: date
    resident_id: int | None = None
    household_id: int | None = None
    house_id: int | None = None

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value not in EVENT_KINDS:
            raise ValueError(f"事件类型应为：{'、'.join(EVENT_KINDS.values())}")
        return value


class EventUpdate(BaseModel):
    """A correction of an event, or closing (已办结) or reopening it: only given fields change."""

    title: Annotated[str | None, NOT_NULL] = Field(default=None, min_length=2, max_length=100)
    detail: Annotated[str | None, NOT_NULL] = Field(default=None, max_length=2000)
    occurred_on: Annotated[date | None, NOT_NULL] = None
    status: Annotated[str | None, NOT_NULL] = None

    @field_validator("status")
    @classmethod
    def _status(cls, value: str | None) -> str | None:
        if value is not None and value not in EVENT_STATUSES:
            words = "、".join(f"{k}（{w}）" for k, w in EVENT_STATUSES.items())
            raise ValueError(f"状态应为：{words}")
        return value


class ChangeView(BaseModel):
    entity: str
    action: str
    changes: dict[str, list[Any]]
    actor: str
    at: str


def record_event(
    *, session: Session, data: EventCreate, community: str, recorded_by: str
) -> CommunityEvent:
    if data.occurred_on > beijing_today():
        raise InvalidInput("event in future", field_errors={"occurred_on": "发生日期不能晚于今天"})
    row = CommunityEvent(
        community_code=community,
        kind=data.kind,
        title=data.title,
        detail=data.detail,
        occurred_on=data.occurred_on,
        resident_id=data.resident_id,
        household_id=data.household_id,
        house_id=data.house_id,
        recorded_by=recorded_by,
    )
    session.add(row)
    session.flush()
    return row


def get_scoped_event(*, session: Session, event_id: int, community: str) -> CommunityEvent:
    event = session.get(CommunityEvent, event_id)
    if event is None or event.community_code != community:
        raise NotFound(f"event {event_id} not in scope")
    return event


def update_event(*, session: Session, event: CommunityEvent, data: EventUpdate) -> CommunityEvent:
    """Correct an event or close/reopen it; the history (hers too, if it is about her) keeps who."""
    if data.occurred_on is not None and data.occurred_on > beijing_today():
        raise InvalidInput("event in future", field_errors={"occurred_on": "发生日期不能晚于今天"})
    apply_patch(event, data)
    session.add(event)
    session.flush()
    return event


def events_of_month(*, session: Session, community: str, month: str) -> list[CommunityEvent]:
    first = _month_start(month)
    after = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    stmt = (
        select(CommunityEvent)
        .where(CommunityEvent.community_code == community)
        .where(CommunityEvent.occurred_on >= first, CommunityEvent.occurred_on < after)
        .order_by(col(CommunityEvent.occurred_on), col(CommunityEvent.id))
    )
    return list(session.exec(stmt))


def set_tags(*, session: Session, resident: Resident, tags: list[str]) -> list[str]:
    unknown = sorted(set(tags) - set(TAGS))
    if unknown:
        raise InvalidInput(
            f"unknown tags {unknown}", user_message=f"未知标签：{'、'.join(unknown)}"
        )
    current = {t.tag: t for t in session.exec(_tags_of(resident))}
    for tag in set(current) - set(tags):
        session.delete(current[tag])
    for tag in set(tags) - set(current):
        session.add(ResidentTag(resident_id=resident.id or 0, tag=tag))
    session.flush()
    return tags_of(session=session, resident=resident)


def tags_of(*, session: Session, resident: Resident) -> list[str]:
    order = {tag: i for i, tag in enumerate(TAGS)}
    return sorted((t.tag for t in session.exec(_tags_of(resident))), key=order.__getitem__)


def history_of(*, session: Session, resident: Resident) -> list[ChangeView]:
    """Every change about her: her record, her tags, events recorded for her; newest first."""
    stmt = (
        select(ChangeRecord)
        .where(ChangeRecord.resident_id == resident.id)
        .order_by(col(ChangeRecord.id).desc())
    )
    return [
        ChangeView(
            entity=r.entity,
            action=r.action,
            changes=_as_changes(json.loads(r.changes)),
            actor=r.actor,
            at=r.at.isoformat(timespec="seconds"),
        )
        for r in session.exec(stmt)
    ]


def _as_changes(raw: dict[str, Any]) -> dict[str, list[Any]]:
    # A reveal records which fields were shown and why, not old/new values.
    return {k: v if isinstance(v, list) else [v] for k, v in raw.items()}


def _tags_of(resident: Resident) -> SelectOfScalar[ResidentTag]:
    return select(ResidentTag).where(ResidentTag.resident_id == resident.id)


def _month_start(month: str) -> date:
    try:
        year, mon = (int(part) for part in month.split("-"))
        return date(year, mon, 1)
    except ValueError:
        raise InvalidInput("bad month", user_message="月份格式应为 年-月，例如 2026-11") from None


_REVEALED = ("id_number", "phone")


class RevealedFacts(BaseModel):
    id_number: str
    phone: str | None


def reveal(
    *,
    session: Session,
    cipher: FieldCipher,
    resident: Resident,
    actor: str,
    roles: Iterable[str],
    reason: str,
) -> RevealedFacts:
    """Her ID number and phone in clear, for someone allowed to see them; always recorded: in her
    history with the reason, and in the audit log with the reason's length only (free text may
    name her)."""
    record = ChangeRecord(
        entity="resident",
        entity_id=str(resident.id),
        community_code=resident.community_code,
        resident_id=resident.id,
        action="reveal",
        changes=json.dumps({"fields": list(_REVEALED), "reason": reason}, ensure_ascii=False),
        actor=actor,
    )
    session.add(record)
    session.flush()
    audit.append(
        session,
        cipher=cipher,
        actor=actor,
        roles=roles,
        action="reveal",
        community_code=resident.community_code,
        subject=f"resident:{resident.id}",
        detail={"fields": list(_REVEALED), "reason_chars": len(reason), "change_record": record.id},
    )
    phone = (
        decrypt_phone(cipher=cipher, phone_enc=resident.phone_enc) if resident.phone_enc else None
    )
    return RevealedFacts(
        id_number=resident_id_number(cipher=cipher, resident=resident), phone=phone
    )
