"""Rows of each source, read from the store in a few queries; fields computed when asked for.

A row is a record and its source's getters: a count of residents by building never decrypts a
name, and a list decrypts only the names it shows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, col, select

from hub.clock import BEIJING
from hub.crypto import FieldCipher
from hub.forms import offered_forms
from hub.idcard import age_on, mask_name
from hub.store import (
    EVENT_KINDS,
    TAGS,
    CommunityEvent,
    Delivery,
    House,
    Household,
    Resident,
    ResidentTag,
    Submission,
    decision_view,
)
from hub.store._residents import NAME_CONTEXT
from hub.words import STATUS_WORDS

Value = str | int | float | date | list[str] | None
_NAME = NAME_CONTEXT
_DELIVERY_WORDS = STATUS_WORDS
_EVENT_STATUS = {"open": "办理中", "closed": "已办结"}


@dataclass(frozen=True)
class Context:
    session: Session
    cipher: FieldCipher
    community: str
    today: date
    #: Connector id -> Chinese name, for the ledger's 报送 lines.
    target_names: Mapping[str, str] = field(default_factory=dict)

    def masked_name(self, name_enc: str | None) -> str | None:
        return mask_name(self.cipher.decrypt(name_enc, context=_NAME)) if name_enc else None


@dataclass
class Row:
    record: Any
    getters: Mapping[str, Callable[[Any, Context], Value]]
    context: Context
    #: Values fixed on this row: one of a multi-valued field's values, after exploding.
    fixed: dict[str, Value] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Value:
        if name in self.fixed:
            return self.fixed[name]
        return self.getters[name](self.record, self.context)


@dataclass(frozen=True)
class _Person:
    resident: Resident
    household: Household | None
    house: House | None
    tags: list[str]


@dataclass(frozen=True)
class _Home:
    household: Household
    house: House | None
    members: list[Resident]


@dataclass(frozen=True)
class _Work:
    """One line of the monthly ledger: a piece of the community's work or a delivery."""

    day: date
    kind: str
    summary: str
    name_enc: str | None
    recorded_by: str
    result: str


def load_rows(source: str, context: Context) -> list[Row]:
    loader, getters = _SOURCES[source]
    return [Row(record, getters, context) for record in loader(context)]


def _people(ctx: Context) -> list[_Person]:
    households = _by_id(ctx, Household)
    houses = _by_id(ctx, House)
    tags: dict[int, list[str]] = defaultdict(list)
    tag_rows = ctx.session.exec(
        select(ResidentTag)
        .join(Resident, col(Resident.id) == ResidentTag.resident_id)
        .where(Resident.community_code == ctx.community)
    )
    for tag in tag_rows:
        tags[tag.resident_id].append(tag.tag)
    people = []
    for resident in ctx.session.exec(_residents(ctx)):
        household = households.get(resident.household_id or 0)
        house = houses.get(household.house_id or 0) if household else None
        own = sorted(tags[resident.id or 0], key=_tag_order)
        people.append(_Person(resident, household, house, own))
    return people


def _homes(ctx: Context) -> list[_Home]:
    houses = _by_id(ctx, House)
    members: dict[int, list[Resident]] = defaultdict(list)
    for resident in ctx.session.exec(_residents(ctx)):
        members[resident.household_id or 0].append(resident)
    return [
        _Home(h, houses.get(h.house_id or 0), members[h.id or 0])
        for h in _by_id(ctx, Household).values()
    ]


def _houses(ctx: Context) -> list[House]:
    return list(_by_id(ctx, House).values())


def _work(ctx: Context) -> list[_Work]:
    names = {r.id: r.name_enc for r in ctx.session.exec(_residents(ctx))}
    events = ctx.session.exec(
        select(CommunityEvent)
        .where(CommunityEvent.community_code == ctx.community)
        .order_by(col(CommunityEvent.occurred_on), col(CommunityEvent.id))
    )
    work = [
        _Work(
            day=e.occurred_on,
            kind=EVENT_KINDS.get(e.kind, e.kind),
            summary=e.title,
            name_enc=names.get(e.resident_id),
            recorded_by=e.recorded_by,
            result=_EVENT_STATUS.get(e.status, e.status),
        )
        for e in events
    ]
    deliveries = ctx.session.exec(
        select(Submission, Delivery)
        .join(Delivery, col(Delivery.submission_id) == Submission.id)
        .where(Submission.community_code == ctx.community)
        .order_by(col(Submission.created_at), col(Delivery.target))
    )
    titles = {form_id: form.title for form_id, form in offered_forms(ctx.session).items()}
    work += [
        _delivery_line(ctx, s, d, names.get(s.resident_id), titles.get(s.form_id, s.form_id))
        for s, d in deliveries
    ]
    # Stable: within a day, the community's own work first, then deliveries in time order.
    return sorted(work, key=lambda w: w.day)


def _delivery_line(
    ctx: Context, sub: Submission, delivery: Delivery, name: str | None, title: str
) -> _Work:
    target = ctx.target_names.get(delivery.target, delivery.target)
    result = _DELIVERY_WORDS.get(delivery.status, delivery.status)
    if delivery.receipt_no:
        result += f"，回执号 {delivery.receipt_no}"
    elif delivery.status == "rejected" and delivery.message:
        result += f"：{delivery.message}"
    decision = decision_view(delivery)
    if decision is not None:
        result += f"；{decision.summary}"
    return _Work(
        day=_beijing_date(sub.created_at),
        kind="报送",
        summary=f"{title}（报送{target}）",
        name_enc=name,
        recorded_by=sub.created_by,
        result=result,
    )


def _beijing_date(moment: datetime) -> date:
    # SQLite (and a `timestamp without time zone` column) hands back naive UTC.
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(BEIJING).date()


def _residents(ctx: Context) -> Any:
    return (
        select(Resident).where(Resident.community_code == ctx.community).order_by(col(Resident.id))
    )


def _by_id(ctx: Context, table: type[House] | type[Household]) -> dict[int, Any]:
    stmt = select(table).where(table.community_code == ctx.community).order_by(col(table.id))
    rows: list[Any] = list(ctx.session.exec(stmt))
    return {row.id: row for row in rows}


_TAG_ORDER = {tag: i for i, tag in enumerate(TAGS)}


def _tag_order(tag: str) -> int:
    return _TAG_ORDER.get(tag, len(TAGS))


def _place(get: Callable[[Any], House | None]) -> dict[str, Callable[[Any, Context], Value]]:
    return {
        "building": lambda r, c: getattr(get(r), "building", None),
        "unit": lambda r, c: getattr(get(r), "unit", None),
        "room": lambda r, c: getattr(get(r), "room", None),
    }


_PERSON: dict[str, Callable[[_Person, Context], Value]] = {
    "name_masked": lambda p, c: c.masked_name(p.resident.name_enc),
    "id_number_masked": lambda p, c: p.resident.id_number_masked,
    "sex": lambda p, c: "男" if p.resident.sex == "1" else "女",
    "age": lambda p, c: age_on(p.resident.birth_date, c.today),
    "birth_date": lambda p, c: p.resident.birth_date,
    "relation_to_head": lambda p, c: p.resident.relation_to_head,
    "address": lambda p, c: p.household.address if p.household else None,
    **_place(lambda p: p.house),
    "household_type": lambda p, c: p.household.household_type if p.household else None,
    "safety_status": lambda p, c: p.house.safety_status if p.house else None,
    "tag": lambda p, c: p.tags,
    "tags": lambda p, c: "、".join(p.tags),
}
_HOME: dict[str, Callable[[_Home, Context], Value]] = {
    "address": lambda h, c: h.household.address,
    **_place(lambda h: h.house),
    "household_type": lambda h, c: h.household.household_type,
    "members": lambda h, c: len(h.members),
    "head_name_masked": lambda h, c: next(
        (c.masked_name(m.name_enc) for m in h.members if m.relation_to_head == "户主"), None
    ),
}
_HOUSE: dict[str, Callable[[House, Context], Value]] = {
    **_place(lambda h: h),
    "use": lambda h, c: h.use,
    "ownership": lambda h, c: h.ownership,
    "safety_status": lambda h, c: h.safety_status,
}
_WORK: dict[str, Callable[[_Work, Context], Value]] = {
    "date": lambda w, c: w.day,
    "month": lambda w, c: w.day.strftime("%Y-%m"),
    "kind": lambda w, c: w.kind,
    "summary": lambda w, c: w.summary,
    "resident_name_masked": lambda w, c: c.masked_name(w.name_enc),
    "recorded_by": lambda w, c: w.recorded_by,
    "result": lambda w, c: w.result,
}
_SOURCES: dict[str, tuple[Callable[[Context], list[Any]], Mapping[str, Callable[..., Value]]]] = {
    "residents": (_people, _PERSON),
    "households": (_homes, _HOME),
    "houses": (_houses, _HOUSE),
    "events": (_work, _WORK),
}
