"""Carrying out a plan: new houses, households and residents, and changed residents, written
500 at a time in the caller's session (one transaction)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from hub.crypto import FieldCipher
from hub.errors import Conflict, InvalidInput
from hub.store._import_plan import Existing, Plan, RowError, batches, make_plan
from hub.store._import_read import Table
from hub.store._import_rows import Home, Row
from hub.store._models import House, Household, Resident, utcnow
from hub.store._models_daily import ResidentTag
from hub.store._name_search import index_names
from hub.store._residents import new_resident_row, set_encrypted_fields

Progress = Callable[[int], None]


class ImportResult(BaseModel):
    created: int
    updated: int
    unchanged: int
    households_created: int
    skipped: list[RowError]


class ImportRejected(InvalidInput):
    """Some rows are bad and the caller did not ask to skip them: nothing was imported."""

    def __init__(self, rows: list[RowError]) -> None:
        super().__init__(
            f"{len(rows)} bad rows",
            user_message=f"有 {len(rows)} 行数据有误，未导入任何数据。"
            "请修改后重新导入，或选择跳过错误行。",
            field_errors={f"第{e.row}行": "；".join(e.reasons) for e in rows},
        )
        self.rows = rows


def apply(
    table: Table,
    mapping: dict[str, str],
    *,
    session: Session,
    cipher: FieldCipher,
    community: str,
    skip_bad_rows: bool,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Create new residents (with their houses and households) and update changed ones.

    Every row is checked before anything is written: with bad rows and ``skip_bad_rows`` False
    this raises ImportRejected and the store is untouched. Written rows are expunged from the
    session batch by batch, so memory stays flat on large files; the change history records
    ``session.info["actor"]`` as for any other change. Conflict if another import wrote one of
    the same new residents meanwhile (the session must then be rolled back).
    """
    plan = make_plan(table, mapping, session, cipher, community)
    if plan.errors and not skip_bad_rows:
        raise ImportRejected(plan.row_errors())
    total, done = len(plan.creates) + len(plan.updates), 0

    def report(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(done, total)

    try:
        households = _write(plan, session, cipher, community, report)
    except IntegrityError as exc:
        # The plan saw no one with these ID numbers, so a unique index refusing one means a
        # concurrent import stored her first. Her row is theirs; ours rolls back whole.
        raise Conflict(
            "import raced another on a resident",
            user_message="同一批居民正在被其他人导入，请稍后重试",
        ) from exc
    return ImportResult(
        created=len(plan.creates),
        updated=len(plan.updates),
        unchanged=plan.unchanged,
        households_created=len(set(households.values()) - set(plan.homes.households.values())),
        skipped=plan.row_errors(),
    )


def _write(
    plan: Plan, session: Session, cipher: FieldCipher, community: str, report: Progress
) -> dict[Home, int]:
    households = _households_for(plan, session, community)
    for batch in batches(plan.creates):
        _create(batch, households, session, cipher, community)
        report(len(batch))
    for updates in batches(plan.updates):
        _update(updates, session, cipher)
        report(len(updates))
    return households


def _households_for(plan: Plan, session: Session, community: str) -> dict[Home, int]:
    """A household for every address the new people live at, with a house where there is a
    room number: the existing ones where the community already has them."""
    addresses: dict[Home, str] = {}
    for row, _ in plan.creates:
        home = row.home
        if home is not None and home not in plan.homes.households and not addresses.get(home):
            addresses[home] = row.address or "".join(home)
    houses = {
        home: House(community_code=community, building=home[0], unit=home[1], room=home[2])
        for home in addresses
        if home[3] == "" and home not in plan.homes.houses
    }
    _flush_all(session, list(houses.values()))
    house_ids = plan.homes.houses | {home: h.id for home, h in houses.items() if h.id}
    created = {
        home: Household(community_code=community, house_id=house_ids.get(home), address=address)
        for home, address in addresses.items()
    }
    _flush_all(session, list(created.values()))
    return plan.homes.households | {home: h.id for home, h in created.items() if h.id}


def _create(
    batch: list[tuple[Row, str]],
    households: dict[Home, int],
    session: Session,
    cipher: FieldCipher,
    community: str,
) -> None:
    # The rows create_resident builds, minus its per-row checks and query (the plan did those
    # for the whole file), so a batch is one flush, not one each.
    residents = [
        new_resident_row(
            cipher=cipher,
            community=community,
            name=row.name,
            id_number=row.id_number,
            birth=row.birth,
            sex=row.sex,
            phone=row.phone,
            household_id=households.get(row.home) if row.home else None,
            relation_to_head=relation,
        )
        for row, relation in batch
    ]
    session.add_all(residents)
    session.flush()
    index_names(
        session,
        cipher,
        [(r.id or 0, community, row.name) for r, (row, _) in zip(residents, batch, strict=True)],
    )
    tags = [
        ResidentTag(resident_id=resident.id or 0, tag=tag)
        for resident, (row, _) in zip(residents, batch, strict=True)
        for tag in sorted(row.tags or ())
    ]
    _flush_all(session, tags)
    _forget(session, residents)


def _update(batch: list[tuple[Row, Existing]], session: Session, cipher: FieldCipher) -> None:
    ids = [found.id for _, found in batch]
    residents = {r.id: r for r in session.exec(select(Resident).where(col(Resident.id).in_(ids)))}
    tags: dict[int, dict[str, ResidentTag]] = defaultdict(dict)
    for row_tag in session.exec(select(ResidentTag).where(col(ResidentTag.resident_id).in_(ids))):
        tags[row_tag.resident_id][row_tag.tag] = row_tag
    for row, found in batch:
        name = row.name if row.name_index != found.name_index else None
        phone = row.phone if row.phone != found.phone else None  # None: an empty cell keeps hers
        if name is not None or phone is not None:
            resident = residents[found.id]
            set_encrypted_fields(
                session=session, cipher=cipher, resident=resident, name=name, phone=phone
            )
            resident.updated_at = utcnow()
        if row.tags is not None:
            current = tags[found.id]
            for tag in set(current) - row.tags:
                session.delete(current.pop(tag))
            for tag in sorted(row.tags - set(current)):
                current[tag] = ResidentTag(resident_id=found.id, tag=tag)
                session.add(current[tag])
    session.flush()
    _forget(session, [*residents.values(), *(t for per in tags.values() for t in per.values())])


def _flush_all(session: Session, objects: Sequence[Any]) -> None:
    for batch in batches(objects):
        session.add_all(batch)
        session.flush()
        _forget(session, batch)


def _forget(session: Session, objects: Iterable[Any]) -> None:
    for obj in objects:
        if obj in session:
            session.expunge(obj)
