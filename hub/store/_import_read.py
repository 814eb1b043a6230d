"""Reading a ledger file (.xlsx, or CSV in UTF-8, GBK or UTF-16), mapping its columns to the
hub's fields, and previewing it with ID numbers masked."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

import openpyxl
from pydantic import BaseModel

from hub.errors import InvalidInput
from hub.idcard import mask_id_number

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

_HEADER_NOISE = re.compile(r"[\s*＊:：]|[（(].*?[)）]")
_ID_LIKE = re.compile(r"^[0-9]{15}([0-9]{2}[0-9Xx])?$")


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    #: (row number as Excel shows it, the cells as text), blank rows left out
    rows: list[tuple[int, tuple[str, ...]]]


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


def _refused(message: str) -> InvalidInput:
    return InvalidInput("unreadable import file", user_message=message)


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
    columns = column_indexes(table, mapping, required=())
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


def column_indexes(
    table: Table, mapping: dict[str, str], required: Sequence[str] = REQUIRED
) -> dict[str, int]:
    """field -> column index under the mapping; InvalidInput listing every mistake in it."""
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
