"""One ledger row: its cells checked and turned into a resident to be, or the reasons it is bad."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from hub.crypto import FieldCipher
from hub.errors import InvalidInput
from hub.idcard import parse_id_number, validate_mobile
from hub.store._daily import TAGS
from hub.store._residents import id_number_index_of, name_index_of

_TAG_SEPARATORS = re.compile(r"[、,，;；\s]+")
_EXCEL_NUMBER = re.compile(r"^[0-9.]+[eE]\+?[0-9]+$")
Home = tuple[str, str, str, str]  # building, unit, room; or ("", "", "", address) without a room


@dataclass(frozen=True, slots=True)
class Row:
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


def parse_row(
    number: int, cells: tuple[str, ...], columns: dict[str, int], cipher: FieldCipher, today: date
) -> tuple[Row | None, list[str]]:
    """The row, or None and every reason it is bad (in Chinese, for the worker)."""

    def get(field: str) -> str:
        return cells[columns[field]] if field in columns else ""

    name, relation = get("name"), get("relation_to_head")
    parsed, reasons = _id_number(get("id_number"), today)
    phone, tags = _phone(get("phone"), reasons), _tags(get("tags"), reasons)
    if not name:
        reasons.insert(0, "姓名为空")
    if len(name) > 50 or len(relation) > 20:  # the limits ResidentCreate and ResidentUpdate set
        reasons.insert(0, "姓名不能超过50个字，与户主关系不能超过20个字")
    if reasons or parsed is None:
        return None, reasons
    building, unit, room, address = get("building"), get("unit"), get("room"), get("address")
    if building or unit or room:
        home: Home | None = (building, unit, room, "")
    else:
        home = ("", "", "", address) if address else None
    id_number, birth, sex = parsed
    row = Row(
        number=number,
        name=name,
        name_index=name_index_of(cipher=cipher, name=name),
        id_number=id_number,
        id_index=id_number_index_of(cipher=cipher, id_number=id_number),
        birth=birth,
        sex=sex,
        phone=phone,
        tags=tags if "tags" in columns else None,
        home=home,
        address=address,
        relation=relation,
    )
    return row, []


def _id_number(raw: str, today: date) -> tuple[tuple[str, date, str] | None, list[str]]:
    if not raw:
        return None, ["公民身份号码为空"]
    if _EXCEL_NUMBER.match(raw):
        return None, [
            "公民身份号码被 Excel 存成了数字，后几位已丢失：请把该列设为文本格式后重新填写"
        ]
    try:
        parsed = parse_id_number(raw)
    except InvalidInput as exc:
        return None, [exc.user_message]
    if parsed[1] > today:
        return None, ["公民身份号码中的出生日期晚于今天"]
    return parsed, []


def _phone(raw: str, reasons: list[str]) -> str | None:
    phone = re.sub(r"[\s-]", "", raw) or None
    if phone:
        try:
            validate_mobile(phone)
        except InvalidInput as exc:
            reasons.append(f"联系电话有误：{exc.user_message}")
    return phone


def _tags(raw: str, reasons: list[str]) -> frozenset[str]:
    tags = frozenset(t for t in _TAG_SEPARATORS.split(raw) if t)
    unknown = sorted(tags - set(TAGS))
    if unknown:
        reasons.append(f"未知标签：{'、'.join(unknown)}（可用：{'、'.join(TAGS)}）")
    return tags
