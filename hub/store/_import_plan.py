"""What an import would do: each good row sorted into create, update or unchanged, each bad row
with its reasons, and the household each new person joins. Reads the store, writes nothing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel
from sqlmodel import Session, col, select

from hub.clock import beijing_today
from hub.crypto import FieldCipher
from hub.store._import_read import Table, column_indexes
from hub.store._import_rows import Home, Row, parse_row
from hub.store._models import House, Household, Resident
from hub.store._models_daily import ResidentTag
from hub.store._residents import decrypt_phone

BATCH = 500  # rows per blind-index lookup, per flush and per progress report
HEAD = "户主"
_T = TypeVar("_T")


class RowError(BaseModel):
    row: int
    reasons: list[str]


class ImportCheck(BaseModel):
    total_rows: int
    to_create: int
    to_update: int
    unchanged: int
    errors: list[RowError]


@dataclass(frozen=True, slots=True)
class Existing:
    id: int
    community: str
    name_index: str
    phone: str | None
    tags: frozenset[str]


@dataclass(frozen=True)
class Homes:
    houses: dict[Home, int]
    households: dict[Home, int]
    headed: set[int]  # households that already have a 户主


@dataclass
class Plan:
    total: int
    errors: dict[int, list[str]]
    creates: list[tuple[Row, str]]  # the row and her relation to the head
    updates: list[tuple[Row, Existing]]
    unchanged: int
    homes: Homes

    def row_errors(self) -> list[RowError]:
        return [RowError(row=n, reasons=r) for n, r in sorted(self.errors.items())]


def check(
    table: Table, mapping: dict[str, str], *, session: Session, cipher: FieldCipher, community: str
) -> ImportCheck:
    """The dry run: what `apply` would do, and every bad row with its reasons. Writes nothing."""
    plan = make_plan(table, mapping, session, cipher, community)
    return ImportCheck(
        total_rows=plan.total,
        to_create=len(plan.creates),
        to_update=len(plan.updates),
        unchanged=plan.unchanged,
        errors=plan.row_errors(),
    )


def make_plan(
    table: Table, mapping: dict[str, str], session: Session, cipher: FieldCipher, community: str
) -> Plan:
    columns = column_indexes(table, mapping)
    errors: dict[int, list[str]] = {}
    good: list[Row] = []
    first_seen: dict[str, int] = {}
    today = beijing_today()
    for number, cells in table.rows:
        row, reasons = parse_row(number, cells, columns, cipher, today)
        if row is not None and row.id_index in first_seen:
            reasons = [f"公民身份号码与第{first_seen[row.id_index]}行重复"]
        if row is None or reasons:
            errors[number] = reasons
            continue
        first_seen[row.id_index] = number
        good.append(row)
    existing = _existing(session, cipher, [r.id_index for r in good], community)
    plan = Plan(len(table.rows), errors, [], [], 0, _homes(session, community))
    new: list[Row] = []
    for row in good:
        found = existing.get(row.id_index)
        if found is None:
            new.append(row)
        elif found.community != community:  # never say which: that is the other's business
            errors[row.number] = ["该公民身份号码已在其他社区登记，请与街道核实"]
        elif _differs(row, found):
            plan.updates.append((row, found))
        else:
            plan.unchanged += 1
    plan.creates = _relations(new, plan.homes, errors)
    return plan


def batches(items: Sequence[_T]) -> Iterator[list[_T]]:
    for start in range(0, len(items), BATCH):
        yield list(items[start : start + BATCH])


def _existing(
    session: Session, cipher: FieldCipher, indexes: list[str], community: str
) -> dict[str, Existing]:
    """Who is already registered, anywhere: a few queries per batch of blind indexes."""
    found: dict[str, Existing] = {}
    for batch in batches(indexes):
        stmt = select(
            Resident.id, Resident.id_number_index, Resident.community_code, Resident.name_index
        ).where(col(Resident.id_number_index).in_(batch))
        rows = list(session.exec(stmt))
        ours = [rid for rid, _, code, _ in rows if code == community and rid is not None]
        phones, tags = _phones_and_tags(session, cipher, ours)
        for rid, index, code, name_index in rows:
            assert rid is not None
            found[index] = Existing(rid, code, name_index, phones.get(rid), tags[rid])
    return found


def _phones_and_tags(
    session: Session, cipher: FieldCipher, ids: list[int]
) -> tuple[dict[int, str], defaultdict[int, frozenset[str]]]:
    phones: dict[int, str] = {}
    tags: dict[int, set[str]] = defaultdict(set)
    if ids:
        stmt = select(Resident.id, Resident.phone_enc).where(col(Resident.id).in_(ids))
        for rid, phone_enc in session.exec(stmt):
            if rid is not None and phone_enc:
                phones[rid] = decrypt_phone(cipher=cipher, phone_enc=phone_enc)
        stmt2 = select(ResidentTag.resident_id, ResidentTag.tag)
        for rid, tag in session.exec(stmt2.where(col(ResidentTag.resident_id).in_(ids))):
            tags[rid].add(tag)
    return phones, defaultdict(frozenset, {rid: frozenset(t) for rid, t in tags.items()})


def _differs(row: Row, found: Existing) -> bool:
    # An empty phone cell keeps the phone on record; a tags column is the whole set of tags.
    return (
        row.name_index != found.name_index
        or (row.phone is not None and row.phone != found.phone)
        or (row.tags is not None and row.tags != found.tags)
    )


def _homes(session: Session, community: str) -> Homes:
    houses: dict[Home, int] = {}
    by_house: dict[int, Home] = {}
    stmt = select(House.id, House.building, House.unit, House.room).where(
        House.community_code == community
    )
    for house_id, building, unit, room in session.exec(stmt.order_by(col(House.id))):
        assert house_id is not None
        home = (building, unit, room, "")
        houses.setdefault(home, house_id)
        by_house.setdefault(house_id, home)
    households: dict[Home, int] = {}
    rows = select(Household.id, Household.house_id, Household.address).where(
        Household.community_code == community
    )
    for household_id, house_id, address in session.exec(rows.order_by(col(Household.id))):
        assert household_id is not None
        home = by_house.get(house_id or 0, ("", "", "", address))
        households.setdefault(home, household_id)
    heads = select(Resident.household_id).where(
        Resident.community_code == community, Resident.relation_to_head == HEAD
    )
    headed = {h for h in session.exec(heads.distinct()) if h is not None}
    return Homes(houses, households, headed)


def _relations(new: list[Row], homes: Homes, errors: dict[int, list[str]]) -> list[tuple[Row, str]]:
    """Everyone new at one address joins one household; its head is the first 户主 listed,
    else the first person listed, unless the household already has one."""
    groups: dict[Home | None, list[Row]] = defaultdict(list)
    for row in new:
        groups[row.home].append(row)
    creates: list[tuple[Row, str]] = []
    for home, rows in groups.items():
        if home is None:
            creates += [(r, r.relation or HEAD) for r in rows]
            continue
        has_head = homes.households.get(home) in homes.headed
        head = None if has_head else next((r for r in rows if r.relation == HEAD), rows[0])
        for row in rows:
            if row is head:
                creates.append((row, HEAD))
            elif row.relation != HEAD:
                creates.append((row, row.relation or "其他"))
            elif head is None:
                errors[row.number] = ["该户已有户主，请填写此人与户主的关系"]
            else:
                errors[row.number] = [f"同一户只能有一位户主（第{head.number}行已是户主）"]
    creates.sort(key=lambda c: c[0].number)
    return creates
