"""Decode and check a request body for /api/v1/allowance-applications (POST, and PUT to amend)."""

from __future__ import annotations

import re

from simulators._json_body import raise_first, string_fields
from simulators._rules import Problem, applicant_problems

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


def application_fields(body: dict[str, object]) -> dict[str, str]:
    """The nine fields, checked; raises ApiError (422) naming the first bad field."""
    fields = string_fields(body, fields=FIELDS, labels=_LABELS)
    problems = applicant_problems(fields)
    if not _COMMUNITY_CODE.fullmatch(fields["community_code"]):
        problems.append(Problem("community_code", "社区代码应为12位数字"))
    raise_first(problems, order=FIELDS)
    return fields
