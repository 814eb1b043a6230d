"""Decode and check a request body for POST /api/v1/records (数据归集).

Every record names its business (业务类型) from the platform's catalogue, the person it concerns
and the day it happened; phone, address and a free-text summary (业务摘要) are optional, as not
every community form asks for them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from simulators._json_body import raise_first, string_fields
from simulators._rules import Problem, birth_date_problems, parse_date, person_problems

#: The platform's catalogue of the businesses communities collect into it, by name.
BUSINESS_TYPES = ("高龄津贴", "退役军人信息采集", "残疾人两项补贴", "最低生活保障", "房屋安全排查")
FIELDS = (
    "business_type",
    "id_number",
    "name",
    "sex",
    "birth_date",
    "phone",
    "address",
    "community_code",
    "business_date",
    "summary",
)
LABELS = {
    "business_type": "业务类型",
    "id_number": "公民身份号码",
    "name": "姓名",
    "sex": "性别",
    "birth_date": "出生日期",
    "phone": "联系电话",
    "address": "地址",
    "community_code": "社区代码",
    "business_date": "业务日期",
    "summary": "业务摘要",
}
#: May be left out, null or blank.
OPTIONAL = ("phone", "address", "summary")
MAX_LENGTHS = {"name": 50, "address": 200, "summary": 1000}
_COMMUNITY_CODE = re.compile(r"[0-9]{12}")


def record_fields(body: Mapping[str, object], *, today: date) -> dict[str, str]:
    """The ten fields, checked; raises ApiError (422) naming the first bad field."""
    fields = string_fields(body, fields=FIELDS, labels=LABELS, optional=OPTIONAL)
    raise_first(_problems(fields, today), order=FIELDS)
    return fields


def _problems(fields: Mapping[str, str], today: date) -> list[Problem]:
    problems = []
    if fields["business_type"] not in BUSINESS_TYPES:
        listed = "、".join(BUSINESS_TYPES)
        problems.append(Problem("business_type", f"业务类型应为以下之一：{listed}"))
    problems += person_problems({**fields, "applied_on": ""})
    problems += birth_date_problems(fields)
    problems += [
        Problem(name, f"{LABELS[name]}不能超过{most}个字")
        for name, most in MAX_LENGTHS.items()
        if len(fields[name]) > most
    ]
    if not _COMMUNITY_CODE.fullmatch(fields["community_code"]):
        problems.append(Problem("community_code", "社区代码应为12位数字"))
    problems += _date_problems(fields["business_date"], today)
    return problems


def _date_problems(text: str, today: date) -> list[Problem]:
    day = parse_date(text)
    if day is None:
        return [Problem("business_date", "业务日期格式应为YYYY-MM-DD")]
    if day > today:
        return [Problem("business_date", "业务日期不能晚于今天")]
    return []
