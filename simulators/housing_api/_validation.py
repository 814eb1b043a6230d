"""Decode and check a request body for POST /api/v1/house-inspections (房屋安全排查登记).

Safety levels are those of 《危险房屋鉴定标准》(JGJ 125): A 结构安全, B 基本安全, C 局部危险,
D 整幢危险; a C or D house must come with a description of its hazards.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from simulators._json_body import raise_first, string_fields
from simulators._rules import Problem, parse_date, person_problems

FIELDS = (
    "address",
    "community_code",
    "owner_name",
    "owner_id_number",
    "phone",
    "structure",
    "built_year",
    "floors",
    "safety_level",
    "hazards",
    "inspected_on",
    "inspector",
)
LABELS = {
    "address": "房屋地址",
    "community_code": "社区代码",
    "owner_name": "产权人/使用人姓名",
    "owner_id_number": "公民身份号码",
    "phone": "联系电话",
    "structure": "结构类型",
    "built_year": "建成年份",
    "floors": "层数",
    "safety_level": "安全等级",
    "hazards": "隐患描述",
    "inspected_on": "排查日期",
    "inspector": "排查人",
}
STRUCTURES = ("砖混", "框架", "砖木", "其他")
SAFETY_LEVELS = ("A", "B", "C", "D")
DANGEROUS_LEVELS = ("C", "D")
OLDEST_YEAR = 1900
MAX_HAZARDS = 500
# Blank for a safe house (A, B): the only field a body may leave out.
_OPTIONAL = ("hazards",)
_COMMUNITY_CODE = re.compile(r"[0-9]{12}")
_YEAR = re.compile(r"[0-9]{4}")
_FLOORS = re.compile(r"[1-9][0-9]?")


def inspection_fields(body: Mapping[str, object], *, today: date) -> dict[str, str]:
    """The twelve fields, checked; raises ApiError (422) naming the first bad field."""
    fields = string_fields(body, fields=FIELDS, labels=LABELS, optional=_OPTIONAL)
    raise_first(_problems(fields, today), order=FIELDS)
    return fields


def _problems(fields: Mapping[str, str], today: date) -> list[Problem]:
    problems = _person(fields)
    if not _COMMUNITY_CODE.fullmatch(fields["community_code"]):
        problems.append(Problem("community_code", "社区代码应为12位数字"))
    if fields["structure"] not in STRUCTURES:
        problems.append(Problem("structure", "结构类型应为砖混、框架、砖木或其他"))
    year = fields["built_year"]
    if not (_YEAR.fullmatch(year) and OLDEST_YEAR <= int(year) <= today.year):
        message = f"建成年份应为{OLDEST_YEAR}年至{today.year}年之间的四位年份"
        problems.append(Problem("built_year", message))
    if not _FLOORS.fullmatch(fields["floors"]):
        problems.append(Problem("floors", "层数应为1至99的整数"))
    if fields["safety_level"] not in SAFETY_LEVELS:
        problems.append(Problem("safety_level", "安全等级应为A、B、C或D"))
    problems.extend(_hazard_problems(fields))
    problems.extend(_date_problems(fields["inspected_on"], today))
    return problems


def _person(fields: Mapping[str, str]) -> list[Problem]:
    # The shared person rules, under this API's names; sex and a date are not asked here.
    values = {"id_number": fields["owner_id_number"], "phone": fields["phone"]}
    renamed = {"id_number": "owner_id_number", "phone": "phone"}
    problems = person_problems(values | {"sex": "", "applied_on": ""})
    return [Problem(renamed[p.field], p.message) for p in problems]


def _hazard_problems(fields: Mapping[str, str]) -> list[Problem]:
    hazards = fields["hazards"].strip()
    if fields["safety_level"] in DANGEROUS_LEVELS and not hazards:
        return [Problem("hazards", "安全等级为C级或D级时须填写隐患描述")]
    if len(hazards) > MAX_HAZARDS:
        return [Problem("hazards", f"隐患描述不能超过{MAX_HAZARDS}个字")]
    return []


def _date_problems(text: str, today: date) -> list[Problem]:
    inspected = parse_date(text)
    if inspected is None:
        return [Problem("inspected_on", "排查日期格式应为YYYY-MM-DD")]
    if inspected > today:
        return [Problem("inspected_on", "排查日期不能晚于今天")]
    return []
