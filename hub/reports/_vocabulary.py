"""The words a report definition may use: its sources, their fields, operators and parameters.

This is the whole language. A definition can only name fields listed here, so it can only show
what this module lets it show: names and ID numbers exist in their masked form only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from hub.store import HOUSE_USES, OWNERSHIPS, SAFETY_STATUSES, TAGS

Source = Literal["residents", "households", "houses", "events"]
Kind = Literal["text", "number", "date"]

#: The ledger's kinds: the community's own work, then deliveries to line departments.
WORK_KINDS = ("走访", "投诉", "服务", "活动", "报送")
SEXES = ("男", "女")

#: Comparison operators; `in` and `not_in` take a list.
Operator = Literal["=", "!=", ">", ">=", "<", "<=", "in", "not_in"]
OPERATORS: tuple[str, ...] = get_args(Operator)
LIST_OPERATORS = frozenset({"in", "not_in"})
#: Values a request supplies (`?month=2026-11`); a filter takes one with {"param": "month"}.
PARAMS = {"month": "月份"}


@dataclass(frozen=True)
class FieldSpec:
    label: str
    kind: Kind = "text"
    #: Known values, in the order reports list them; a filter naming another value is an error.
    choices: tuple[str, ...] | None = None
    #: Several values per row (a resident's tags): grouping or showing it gives a row per value.
    multi: bool = False


_PLACE = {
    "building": FieldSpec("楼栋"),
    "unit": FieldSpec("单元"),
    "room": FieldSpec("室"),
}

FIELDS: dict[str, dict[str, FieldSpec]] = {
    "residents": {
        "name_masked": FieldSpec("姓名"),
        "id_number_masked": FieldSpec("公民身份号码"),
        "sex": FieldSpec("性别", choices=SEXES),
        "age": FieldSpec("年龄", kind="number"),
        "birth_date": FieldSpec("出生日期", kind="date"),
        "relation_to_head": FieldSpec("与户主关系"),
        "address": FieldSpec("地址"),
        **_PLACE,
        "household_type": FieldSpec("户类型"),
        "safety_status": FieldSpec("房屋安全状况", choices=SAFETY_STATUSES),
        "tag": FieldSpec("标签", choices=TAGS, multi=True),
        "tags": FieldSpec("标签（全部）"),
    },
    "households": {
        "address": FieldSpec("地址"),
        **_PLACE,
        "household_type": FieldSpec("户类型"),
        "members": FieldSpec("人数", kind="number"),
        "head_name_masked": FieldSpec("户主"),
    },
    "houses": {
        **_PLACE,
        "use": FieldSpec("用途", choices=HOUSE_USES),
        "ownership": FieldSpec("产权", choices=OWNERSHIPS),
        "safety_status": FieldSpec("安全状况", choices=SAFETY_STATUSES),
    },
    "events": {
        "date": FieldSpec("日期", kind="date"),
        "month": FieldSpec("月份"),
        "kind": FieldSpec("类型", choices=WORK_KINDS),
        "summary": FieldSpec("事项"),
        "resident_name_masked": FieldSpec("居民"),
        "recorded_by": FieldSpec("经办人"),
        "result": FieldSpec("结果/回执"),
    },
}
