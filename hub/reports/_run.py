"""Running a definition on one community's store: filter, group and count, or list."""

from __future__ import annotations

import itertools
import operator
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from hub.clock import beijing_today
from hub.crypto import FieldCipher
from hub.errors import InvalidInput, NotFound
from hub.reports._definition import Filter, ReportDefinition
from hub.reports._sources import Context, Row, Value, load_rows
from hub.reports._vocabulary import FieldSpec
from hub.store import Community, Resident

Cell = str | int | float | date | None
_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
_DIGITS = re.compile(r"([0-9]+)")
_NEGATIVE = frozenset({"!=", "not_in"})
_ORDER = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


class ReportResult(BaseModel):
    report_id: str
    title: str
    short_title: str
    community_code: str
    community_name: str
    generated_on: date
    #: The month a monthly report covers (YYYY-MM); None for the others.
    month: str | None
    headers: list[str]
    rows: list[list[Cell]]
    #: The 合计 row of a counting report that asks for one.
    total: list[Cell] | None = None


def run_report(
    definition: ReportDefinition,
    *,
    session: Session,
    cipher: FieldCipher,
    community: str,
    params: Mapping[str, str],
    today: date | None = None,
    target_names: Mapping[str, str] | None = None,
) -> ReportResult:
    """The report on the community's data as of today (Beijing time). `params`: e.g. month."""
    today = today or beijing_today()
    place = session.get(Community, community)
    if place is None:
        raise NotFound(f"community {community} not in store")
    values = {"month": _month(params.get("month"), today)} if definition.params else {}
    context = Context(session, cipher, community, today, target_names or {})
    rows = _explode(load_rows(definition.source, context), _multi_fields(definition))
    rows = [r for r in rows if all(_keeps(f, r, values) for f in definition.filters)]
    table, total = (
        _count(definition, rows) if definition.counts else (_list(definition, rows), None)
    )
    return ReportResult(
        report_id=definition.id,
        title=definition.title,
        short_title=definition.short_title or definition.title,
        community_code=community,
        community_name=place.name,
        generated_on=today,
        month=values.get("month"),
        headers=[c.header for c in definition.columns],
        rows=table,
        total=total,
    )


def select_residents(
    filters: list[Filter], *, session: Session, cipher: FieldCipher, community: str, today: date
) -> list[Resident]:
    """The community's residents the filters keep (a report's words: age, tag…), in the store's
    order: the rows of a data request (hub/requests)."""
    context = Context(session, cipher, community, today)
    rows = load_rows("residents", context)
    return [r.record.resident for r in rows if all(_keeps(f, r, {}) for f in filters)]


def _month(given: str | None, today: date) -> str:
    if not given:
        return today.strftime("%Y-%m")
    if not _MONTH.match(given):
        raise InvalidInput("bad month", user_message="月份格式应为 年-月，例如 2026-11")
    return given


def _multi_fields(definition: ReportDefinition) -> list[str]:
    shown = {*definition.group_by, *definition.order_by, *(c.field for c in definition.columns)}
    return [name for name, spec in definition.fields.items() if spec.multi and name in shown]


def _explode(rows: Iterable[Row], fields: list[str]) -> list[Row]:
    """A row per value of each multi-valued field shown (a resident with two tags: two rows)."""
    out = list(rows)
    for name in fields:
        out = [
            Row(r.record, r.getters, r.context, {**r.fixed, name: value})
            for r in out
            for value in _as_list(r[name])
        ]
    return out


def _keeps(flt: Filter, row: Row, params: Mapping[str, str]) -> bool:
    expected = params[flt.param] if flt.param else flt.value
    actual = row[flt.field]
    if isinstance(actual, list):  # multi-valued, not shown: "tag in […]" means any of her tags
        tests = (_compare(flt.op, _comparable(a), expected) for a in actual)
        return all(tests) if flt.op in _NEGATIVE else any(tests)  # "not_in": none of them
    return _compare(flt.op, _comparable(actual), expected)


def _compare(op: str, actual: str | int | float | None, expected: Any) -> bool:
    if op == "in":
        return actual in expected
    if op == "not_in":
        return actual not in expected
    if op in ("=", "!="):
        return (actual == expected) == (op == "=")
    # The definition was checked: a number field is compared with numbers, text with text.
    return actual is not None and bool(_ORDER[op](actual, expected))


def _count(
    definition: ReportDefinition, rows: list[Row]
) -> tuple[list[list[Cell]], list[Cell] | None]:
    keys = definition.group_by
    summed = [c.field for c in definition.columns if c.aggregate == "sum" and c.field]
    groups: dict[tuple[Value, ...], _Group] = {}
    if definition.include_empty_groups:
        choices = [definition.fields[k].choices or () for k in keys]
        groups = {key: _Group() for key in itertools.product(*choices)}
    for row in rows:
        group = groups.setdefault(tuple(row[k] for k in keys), _Group())
        group.count += 1
        for name in summed:
            group.sums[name] += _number(row[name])
    first = [keys.index(k) for k in definition.order_by]
    by = [*first, *(i for i in range(len(keys)) if i not in first)]
    specs = [definition.fields[k] for k in keys]
    ordered = sorted(groups, key=lambda key: [_sort_key(specs[i], key[i]) for i in by])
    table = [_cells(definition, dict(zip(keys, key, strict=True)), groups[key]) for key in ordered]
    if not definition.total:
        return table, None
    whole = _Group(sum(g.count for g in groups.values()))
    for g in groups.values():
        for name, amount in g.sums.items():
            whole.sums[name] += amount
    total = _cells(definition, {}, whole)
    if total and total[0] is None:
        total[0] = "合计"
    return table, total


@dataclass
class _Group:
    count: int = 0
    sums: defaultdict[str, int | float] = field(default_factory=lambda: defaultdict(int))


def _cells(definition: ReportDefinition, group: dict[str, Value], agg: _Group) -> list[Cell]:
    cells: list[Cell] = []
    for column in definition.columns:
        if column.aggregate == "count":
            cells.append(agg.count)
        elif column.aggregate == "sum":
            cells.append(agg.sums[column.field or ""])
        else:
            cells.append(_scalar(group.get(column.field or "")))
    return cells


def _list(definition: ReportDefinition, rows: list[Row]) -> list[list[Cell]]:
    for name in reversed(definition.order_by):  # stable sorts, last key first
        spec = definition.fields[name]
        rows = sorted(rows, key=lambda r, n=name, s=spec: _sort_key(s, r[n]))  # type: ignore[misc]
    return [[_scalar(r[c.field or ""]) for c in definition.columns] for r in rows]


def _sort_key(spec: FieldSpec, value: Value) -> tuple[int, tuple[tuple[int, Any], ...]]:
    """Known values in their vocabulary order, numbers by size, text naturally (2幢 < 10幢)."""
    if value is None or isinstance(value, list):
        return (2, ())
    if spec.choices and value in spec.choices:
        return (0, ((0, spec.choices.index(str(value))),))
    if isinstance(value, int | float):
        return (1, ((0, value),))
    parts = _DIGITS.split(str(value))
    return (1, tuple((0, int(p)) if _DIGITS.fullmatch(p) else (1, p) for p in parts if p))


def _comparable(value: Value) -> str | int | float | None:
    if isinstance(value, date):
        return value.isoformat()
    return value if not isinstance(value, list) else "、".join(value)


def _scalar(value: Value) -> Cell:
    return "、".join(value) if isinstance(value, list) else value


def _number(value: Value) -> int | float:
    return value if isinstance(value, int | float) else 0


def _as_list(value: Value) -> list[Value]:
    if isinstance(value, list):
        return list(value)
    return [] if value is None else [value]
