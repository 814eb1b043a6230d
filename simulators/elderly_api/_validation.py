"""Decode and check a request body for /api/v1/allowance-applications (POST, and PUT to amend)."""

from __future__ import annotations

import json
import re

from simulators._rules import Problem, applicant_problems
from simulators.elderly_api._errors import invalid

FIELDS = (
    "id_number",
    "name",
    "sex",
    "birth_date",
    "phone",
    "address",
    "community_code",
    "allowance_type",
    "applied_on",
)
_LABELS = {
    "id_number": "公民身份号码",
    "name": "姓名",
    "sex": "性别",
    "birth_date": "出生日期",
    "phone": "联系电话",
    "address": "户籍地址",
    "community_code": "社区代码",
    "allowance_type": "津贴类别",
    "applied_on": "申请日期",
}
_COMMUNITY_CODE = re.compile(r"[0-9]{12}")


def parse_body(raw: bytes) -> dict[str, object]:
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise invalid("请求体不是有效的JSON", None) from None
    if not isinstance(body, dict):
        raise invalid("请求体应为JSON对象", None)
    return body


def application_fields(body: dict[str, object]) -> dict[str, str]:
    """The nine fields, checked; raises ApiError (422) naming the first bad field."""
    for name in FIELDS:
        value = body.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise invalid(f"缺少必填字段：{_LABELS[name]}", name)
        if not isinstance(value, str):
            raise invalid(f"{_LABELS[name]}应为字符串", name)
    fields = {name: str(body[name]) for name in FIELDS}
    _raise_first(fields)
    return fields


def _raise_first(fields: dict[str, str]) -> None:
    problems = applicant_problems(fields)
    if not _COMMUNITY_CODE.fullmatch(fields["community_code"]):
        problems.append(Problem("community_code", "社区代码应为12位数字"))
    if problems:
        # One error per response, for the earliest field in body order: predictable for clients.
        first = min(problems, key=lambda p: FIELDS.index(p.field))
        raise invalid(first.message, first.field)
