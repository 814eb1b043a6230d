"""Importing the resident ledgers communities already keep (台账: Excel .xlsx or CSV).

``read_table`` → ``guess_mapping`` (the caller may change it) → ``preview`` / ``check`` (a dry
run) → ``apply``. Rows are keyed by ID number through its blind index, so importing the same file
again creates nothing and changes nothing. ``apply`` writes nothing unless every row is good or
the caller asked to skip the bad ones; it runs in the caller's session (one transaction).
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath
from typing import Any, TypeVar

import openpyxl
from pydantic import BaseModel
from sqlmodel import Session, col, select

from hub.clock import beijing_today
from hub.crypto import FieldCipher
from hub.errors import InvalidInput
from hub.idcard import mask_id_number, parse_id_number, validate_mobile
from hub.store._daily import TAGS
from hub.store._models import House, Household, Resident, utcnow
from hub.store._models_daily import ResidentTag
from hub.store._residents import _ID, _NAME, _PHONE

#: The hub's fields, with the column name the hub's own template uses.
FIELDS: dict[str, str] = {
    "name": "姓名",
    "id_number": "公民身份号码",
    "phone": "联系电话",
    "building": "楼栋",
    "unit": "单元",
    "room": "房号",
    "address": "户籍地址",
    "relation_to_head": "与户主关系",
    "tags": "标签",
}
REQUIRED = ("name", "id_number")
#: Column names seen in communities' ledgers, most specific first.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "居民姓名", "人员姓名", "成员姓名", "名字"),
    "id_number": ("公民身份号码", "身份证号码", "身份证号", "公民身份证号码", "身份证件号码",
                  "身份证", "证件号码", "身份号码"),
    "phone": ("联系电话", "手机号码", "手机号", "手机", "联系手机", "电话号码", "电话", "联系方式"),
    "building": ("楼栋", "楼栋号", "楼号", "幢号", "幢", "栋号", "栋", "楼"),
    "unit": ("单元", "单元号"),
    "room": ("房号", "室号", "室", "房间号", "房间", "门牌号"),
    "address": ("户籍地址", "户籍地", "地址", "住址", "家庭住址", "居住地址", "现住址"),
    "relation_to_head": ("与户主关系", "与户主的关系", "户主关系", "关系"),
    "tags": ("标签", "人员类别", "人群类别", "重点人群", "类别"),
}  # fmt: skip
MAX_BYTES = 30 * 1024 * 1024
MAX_ROWS = 200_000
BATCH = 500  # rows per blind-index lookup, per flush and per progress report
HEAD = "户主"

_HEADER_NOISE = re.compile(r"[\s*＊:：]|[（(].*?[)）]")
_TAG_SEPARATORS = re.compile(r"[、,，;；\s]+")
_EXCEL_NUMBER = re.compile(r"^[0-9.]+[eE]\+?[0-9]+$")
_ID_LIKE = re.compile(r"^[0-9]{15}([0-9]{2}[0-9Xx])?$")
_T = TypeVar("_T")
Home = tuple[str, str, str, str]  # building, unit, room; or ("", "", "", address) without a room


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    #: (row number as Excel shows it, the cells as text), blank rows left out
    rows: list[tuple[int, tuple[str, ...]]]


class RowError(BaseModel):
    row: int
    reasons: list[str]


class PreviewRow(BaseModel):
    row: int
    cells: list[str]  # every column, ID numbers masked
    values: dict[str, str]  # field -> value under the mapping, ID numbers masked


class Preview(BaseModel):
    fields: dict[str, str]
    headers: list[str]
    mapping: dict[str, str]
    total_rows: int
    rows: list[PreviewRow]


class ImportCheck(BaseModel):
    total_rows: int
    to_create: int
    to_update: int
    unchanged: int
    errors: list[RowError]


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


# ---- reading ------------------------------------------------------------------------------


def read_table(data: bytes, filename: str) -> Table:
    """The first sheet of an .xlsx, or a CSV in UTF-8 (with or without BOM) or GBK."""
    if len(data) > MAX_BYTES:
        raise _refused(f"文件太大（超过 {MAX_BYTES // 1024 // 1024}MB），请分成几个文件导入")
    if not data.strip():
        raise _refused("文件是空的")
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xlsx":
        return _table(_xlsx_records(data))
    if suffix == ".csv":
        return _table(_csv_records(data))
    if suffix in (".xls", ".et", ".wps"):
        raise _refused("不支持旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 或 CSV 后再导入")
    raise _refused("只能导入 Excel（.xlsx）或 CSV 文件")


def _xlsx_records(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:  # read_only streams the sheet's XML instead of building every cell object
            rows = book.worksheets[0].iter_rows(values_only=True)
            return [(n, [_text(v) for v in row]) for n, row in enumerate(rows, start=1)]
        finally:
            book.close()
    except Exception:  # an uploaded file: zip, XML and openpyxl errors all mean "cannot read it"
        raise _refused("无法读取这个 Excel 文件：它可能已损坏，或不是 .xlsx 格式") from None


def _csv_records(data: bytes) -> list[tuple[int, list[str]]]:
    text = _decode(data)
    first_line = text.partition("\n")[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [(n, [cell.strip() for cell in row]) for n, row in enumerate(reader, start=1)]
    except csv.Error:
        raise _refused(f"CSV 文件格式有误（第 {reader.line_num} 行附近）") from None


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:  # what Excel on Chinese Windows saves; GB18030 is a superset of GBK
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise _refused("无法识别文件的文字编码，请另存为 UTF-8 或 GBK 编码的 CSV") from None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # a phone number or room number Excel stored as a number
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _table(records: list[tuple[int, list[str]]]) -> Table:
    filled = ((n, cells) for n, cells in records if any(cells))
    first = next(filled, None)
    if first is None:
        raise _refused("文件是空的")
    headers = list(first[1])
    while headers and not headers[-1]:
        headers.pop()
    names = tuple(h or f"（第{i}列）" for i, h in enumerate(headers, start=1))
    width = len(names)
    rows = [(n, tuple((cells + [""] * width)[:width])) for n, cells in filled]
    rows = [(n, cells) for n, cells in rows if any(cells)]
    if not rows:
        raise _refused("文件里只有表头，没有数据行")
    if len(rows) > MAX_ROWS:
        raise _refused(f"一次最多导入 {MAX_ROWS} 行，请分成几个文件导入")
    return Table(headers=names, rows=rows)


# ---- mapping and preview ------------------------------------------------------------------


def guess_mapping(headers: Sequence[str]) -> dict[str, str]:
    """field -> header, from the header names (exact, then common synonyms)."""
    by_name: dict[str, str] = {}
    for header in headers:
        by_name.setdefault(_HEADER_NOISE.sub("", header), header)
    mapping: dict[str, str] = {}
    for field, names in SYNONYMS.items():
        found = next((by_name[n] for n in names if n in by_name), None)
        if found is not None and found not in mapping.values():
            mapping[field] = found
    return mapping


def preview(table: Table, mapping: dict[str, str], limit: int = 20) -> Preview:
    columns = _columns(table, mapping, required=())
    id_column = columns.get("id_number")
    rows = []
    for number, cells in table.rows[:limit]:
        shown = [
            _mask(c) if i == id_column or _ID_LIKE.match(c) else c for i, c in enumerate(cells)
        ]
        values = {field: shown[i] for field, i in columns.items()}
        rows.append(PreviewRow(row=number, cells=shown, values=values))
    return Preview(
        fields=FIELDS,
        headers=list(table.headers),
        mapping=mapping,
        total_rows=len(table.rows),
        rows=rows,
    )


def _mask(value: str) -> str:
    if len(value) == 18:
        return mask_id_number(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)


def _columns(
    table: Table, mapping: dict[str, str], required: Sequence[str] = REQUIRED
) -> dict[str, int]:
    errors: dict[str, str] = {}
    columns: dict[str, int] = {}
    for field, header in mapping.items():
        if field not in FIELDS:
            errors[field] = f"没有“{field}”这个字段"
        elif header and header not in table.headers:
            errors[field] = f"表中没有“{header}”列"
        elif header and header in (table.headers[i] for i in columns.values()):
            errors[field] = f"“{header}”列不能同时对应两个字段"
        elif header:
            columns[field] = table.headers.index(header)
    for field in required:
        if field not in columns and field not in errors:
            errors[field] = f"没有找到“{FIELDS[field]}”列，请指定哪一列是{FIELDS[field]}"
    if errors:
        message = "列的对应有误：" + "；".join(errors.values())
        raise InvalidInput("bad column mapping", user_message=message, field_errors=errors)
    return columns


# ---- planning: what a run would do --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Row:
    number: int
    name: str
    name_index: str
    id_number: str
    id_index: str
    birth: date
    sex: str
    phone: str | None
    tags: frozenset[str] | None  # None: no tags column, leave her tags alone
    home: Home | None
    address: str
    relation: str


@dataclass(frozen=True, slots=True)
class _Existing:
    id: int
    community: str
    name_index: str
    phone: str | None
    tags: frozenset[str]


@dataclass(frozen=True)
class _Homes:
    houses: dict[Home, int]
    households: dict[Home, int]
    headed: set[int]  # households that already have a 户主


@dataclass
class _Plan:
    total: int
    errors: dict[int, list[str]]
    creates: list[tuple[_Row, str]]  # the row and her relation to the head
    updates: list[tuple[_Row, _Existing]]
    unchanged: int
    homes: _Homes

    def row_errors(self) -> list[RowError]:
        return [RowError(row=n, reasons=r) for n, r in sorted(self.errors.items())]


def check(
    table: Table, mapping: dict[str, str], *, session: Session, cipher: FieldCipher, community: str
) -> ImportCheck:
    """The dry run: what `apply` would do, and every bad row with its reasons. Writes nothing."""
    plan = _plan(table, mapping, session, cipher, community)
    return ImportCheck(
        total_rows=plan.total,
        to_create=len(plan.creates),
        to_update=len(plan.updates),
        unchanged=plan.unchanged,
        errors=plan.row_errors(),
    )


def _plan(
    table: Table, mapping: dict[str, str], session: Session, cipher: FieldCipher, community: str
) -> _Plan:
    columns = _columns(table, mapping)
    errors: dict[int, list[str]] = {}
    good: list[_Row] = []
    first_seen: dict[str, int] = {}
    today = beijing_today()
    for number, cells in table.rows:
        row, reasons = _parse(number, cells, columns, cipher, today)
        if row is not None and row.id_index in first_seen:
            reasons = [f"公民身份号码与第{first_seen[row.id_index]}行重复"]
        if row is None or reasons:
            errors[number] = reasons
            continue
        first_seen[row.id_index] = number
        good.append(row)
    existing = _existing(session, cipher, [r.id_index for r in good], community)
    plan = _Plan(len(table.rows), errors, [], [], 0, _homes(session, community))
    new: list[_Row] = []
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


def _parse(
    number: int, cells: tuple[str, ...], columns: dict[str, int], cipher: FieldCipher, today: date
) -> tuple[_Row | None, list[str]]:
    def get(field: str) -> str:
        return cells[columns[field]] if field in columns else ""

    reasons = []
    name, raw_id = get("name"), get("id_number")
    if not name:
        reasons.append("姓名为空")
    elif len(name) > 50:  # the limits ResidentCreate and ResidentUpdate set
        reasons.append("姓名超过50个字")
    if len(get("relation_to_head")) > 20:
        reasons.append("与户主关系超过20个字")
    parsed = None
    if not raw_id:
        reasons.append("公民身份号码为空")
    elif _EXCEL_NUMBER.match(raw_id):
        reasons.append(
            "公民身份号码被 Excel 存成了数字，后几位已丢失：请把该列设为文本格式后重新填写"
        )
    else:
        try:
            parsed = parse_id_number(raw_id)
            if parsed[1] > today:
                reasons.append("公民身份号码中的出生日期晚于今天")
        except InvalidInput as exc:
            reasons.append(exc.user_message)
    phone = re.sub(r"[\s-]", "", get("phone")) or None
    if phone:
        try:
            validate_mobile(phone)
        except InvalidInput as exc:
            reasons.append(f"联系电话有误：{exc.user_message}")
    tags = frozenset(t for t in _TAG_SEPARATORS.split(get("tags")) if t)
    unknown = sorted(tags - set(TAGS))
    if unknown:
        reasons.append(f"未知标签：{'、'.join(unknown)}（可用：{'、'.join(TAGS)}）")
    if reasons or parsed is None:
        return None, reasons
    building, unit, room, address = get("building"), get("unit"), get("room"), get("address")
    home = (building, unit, room, "") if building or unit or room else None
    row = _Row(
        number=number,
        name=name,
        name_index=cipher.blind_index(name, purpose=_NAME),
        id_number=parsed[0],
        id_index=cipher.blind_index(parsed[0], purpose=_ID),
        birth=parsed[1],
        sex=parsed[2],
        phone=phone,
        tags=tags if "tags" in columns else None,
        home=home or (("", "", "", address) if address else None),
        address=address,
        relation=get("relation_to_head"),
    )
    return row, []


def _existing(
    session: Session, cipher: FieldCipher, indexes: list[str], community: str
) -> dict[str, _Existing]:
    """Who is already registered, anywhere: a few queries per batch of blind indexes."""
    found: dict[str, _Existing] = {}
    for batch in _batches(indexes):
        stmt = select(
            Resident.id, Resident.id_number_index, Resident.community_code, Resident.name_index
        ).where(col(Resident.id_number_index).in_(batch))
        rows = list(session.exec(stmt))
        ours = [rid for rid, _, code, _ in rows if code == community and rid is not None]
        phones, tags = _phones_and_tags(session, cipher, ours)
        for rid, index, code, name_index in rows:
            assert rid is not None
            found[index] = _Existing(rid, code, name_index, phones.get(rid), tags[rid])
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
                phones[rid] = cipher.decrypt(phone_enc, context=_PHONE)
        stmt2 = select(ResidentTag.resident_id, ResidentTag.tag)
        for rid, tag in session.exec(stmt2.where(col(ResidentTag.resident_id).in_(ids))):
            tags[rid].add(tag)
    return phones, defaultdict(frozenset, {rid: frozenset(t) for rid, t in tags.items()})


def _differs(row: _Row, found: _Existing) -> bool:
    # An empty phone cell keeps the phone on record; a tags column is the whole set of tags.
    return (
        row.name_index != found.name_index
        or (row.phone is not None and row.phone != found.phone)
        or (row.tags is not None and row.tags != found.tags)
    )


def _homes(session: Session, community: str) -> _Homes:
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
    return _Homes(houses, households, headed)


def _relations(
    new: list[_Row], homes: _Homes, errors: dict[int, list[str]]
) -> list[tuple[_Row, str]]:
    """Everyone new at one address joins one household; its head is the first 户主 listed,
    else the first person listed, unless the household already has one."""
    groups: dict[Home | None, list[_Row]] = defaultdict(list)
    for row in new:
        groups[row.home].append(row)
    creates: list[tuple[_Row, str]] = []
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


# ---- applying -----------------------------------------------------------------------------


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
    ``session.info["actor"]`` as for any other change.
    """
    plan = _plan(table, mapping, session, cipher, community)
    if plan.errors and not skip_bad_rows:
        raise ImportRejected(plan.row_errors())
    total, done = len(plan.creates) + len(plan.updates), 0

    def report(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(done, total)

    households = _households_for(plan, session, community)
    for batch in _batches(plan.creates):
        _create(batch, households, session, cipher, community)
        report(len(batch))
    for updates in _batches(plan.updates):
        _update(updates, session, cipher)
        report(len(updates))
    return ImportResult(
        created=len(plan.creates),
        updated=len(plan.updates),
        unchanged=plan.unchanged,
        households_created=len(set(households.values()) - set(plan.homes.households.values())),
        skipped=plan.row_errors(),
    )


def _households_for(plan: _Plan, session: Session, community: str) -> dict[Home, int]:
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
    batch: list[tuple[_Row, str]],
    households: dict[Home, int],
    session: Session,
    cipher: FieldCipher,
    community: str,
) -> None:
    # The same columns create_resident fills, built here so a batch is one flush, not one each.
    residents = [
        Resident(
            community_code=community,
            household_id=households.get(row.home) if row.home else None,
            relation_to_head=relation,
            name_enc=cipher.encrypt(row.name, context=_NAME),
            name_index=row.name_index,
            id_number_enc=cipher.encrypt(row.id_number, context=_ID),
            id_number_index=row.id_index,
            id_number_masked=mask_id_number(row.id_number),
            phone_enc=cipher.encrypt(row.phone, context=_PHONE) if row.phone else None,
            sex=row.sex,
            birth_date=row.birth,
        )
        for row, relation in batch
    ]
    session.add_all(residents)
    session.flush()
    tags = [
        ResidentTag(resident_id=resident.id or 0, tag=tag)
        for resident, (row, _) in zip(residents, batch, strict=True)
        for tag in sorted(row.tags or ())
    ]
    _flush_all(session, tags)
    _forget(session, residents)


def _update(batch: list[tuple[_Row, _Existing]], session: Session, cipher: FieldCipher) -> None:
    ids = [found.id for _, found in batch]
    residents = {r.id: r for r in session.exec(select(Resident).where(col(Resident.id).in_(ids)))}
    tags: dict[int, dict[str, ResidentTag]] = defaultdict(dict)
    for row_tag in session.exec(select(ResidentTag).where(col(ResidentTag.resident_id).in_(ids))):
        tags[row_tag.resident_id][row_tag.tag] = row_tag
    for row, found in batch:
        resident = residents[found.id]
        if row.name_index != found.name_index:
            resident.name_enc = cipher.encrypt(row.name, context=_NAME)
            resident.name_index = row.name_index
            resident.updated_at = utcnow()
        if row.phone is not None and row.phone != found.phone:
            resident.phone_enc = cipher.encrypt(row.phone, context=_PHONE)
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
    for batch in _batches(objects):
        session.add_all(batch)
        session.flush()
        _forget(session, batch)


def _forget(session: Session, objects: Iterable[Any]) -> None:
    for obj in objects:
        if obj in session:
            session.expunge(obj)


def _batches(items: Sequence[_T]) -> Iterator[list[_T]]:
    for start in range(0, len(items), BATCH):
        yield list(items[start : start + BATCH])


def _refused(message: str) -> InvalidInput:
    return InvalidInput("unreadable import file", user_message=message)
