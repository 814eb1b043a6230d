"""Field rules the simulated systems enforce, with the Chinese messages their users see.

Each check skips blank values: the caller reports missing fields in its own words (a web form
says 请填写, the API names the field), so a blank field is reported once, not twice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from simulators import _idcard

SEX_CODES = ("1", "2")
ALLOWANCE_TYPES = ("80-89", "90-99", "100+")
_DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PHONE = re.compile(r"1[0-9]{10}")


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def parse_date(value: str) -> date | None:
    # date.fromisoformat alone would also take "20261125"; the systems insist on YYYY-MM-DD.
    if not _DATE_SHAPE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def age_on(birth: date, day: date) -> int:
    had_birthday = (day.month, day.day) >= (birth.month, birth.day)
    return day.year - birth.year - (0 if had_birthday else 1)


def allowance_type_for(age: int) -> str | None:
    if age >= 100:
        return "100+"
    if age >= 90:
        return "90-99"
    return "80-89" if age >= 80 else None


def applicant_problems(values: Mapping[str, str]) -> list[Problem]:
    """Problems with id_number, sex, birth_date, phone, applied_on and allowance_type."""
    problems = [*person_problems(values), *birth_date_problems(values)]
    allowance_type = values["allowance_type"]
    if allowance_type and allowance_type not in ALLOWANCE_TYPES:
        problems.append(Problem("allowance_type", "津贴类别无效"))
    elif allowance_type:
        problems.extend(_age_problems(values))
    return problems


def person_problems(values: Mapping[str, str]) -> list[Problem]:
    """Problems with id_number, sex, phone and applied_on: what every form asks of a person."""
    problems = _id_problems(values)
    if values["sex"] and values["sex"] not in SEX_CODES:
        problems.append(Problem("sex", "性别代码无效"))
    if values["phone"] and not _PHONE.fullmatch(values["phone"]):
        problems.append(Problem("phone", "联系电话应为以1开头的11位数字"))
    if values["applied_on"] and parse_date(values["applied_on"]) is None:
        problems.append(Problem("applied_on", "申请日期格式应为YYYY-MM-DD"))
    return problems


def _id_problems(values: Mapping[str, str]) -> list[Problem]:
    id_number, sex = values["id_number"], values["sex"]
    if not id_number:
        return []
    if not _idcard.has_valid_shape(id_number):
        return [Problem("id_number", "公民身份号码应为18位（前17位为数字，末位为数字或大写X）")]
    if _idcard.birth_date_of(id_number) is None:
        return [Problem("id_number", "公民身份号码中的出生日期无效")]
    if not _idcard.has_valid_check_character(id_number):
        return [Problem("id_number", "公民身份号码校验位错误")]
    if sex in SEX_CODES and sex != _idcard.sex_code_of(id_number):
        return [Problem("sex", "性别与公民身份号码不一致")]
    return []


def birth_date_problems(values: Mapping[str, str]) -> list[Problem]:
    """Problems with birth_date: its shape, and that it is the date in the ID number."""
    birth = parse_date(values["birth_date"])
    if values["birth_date"] and birth is None:
        return [Problem("birth_date", "出生日期格式应为YYYY-MM-DD")]
    if _idcard.has_valid_shape(values["id_number"]) and birth not in (
        None,
        _idcard.birth_date_of(values["id_number"]),
    ):
        return [Problem("birth_date", "出生日期与公民身份号码不一致")]
    return []


def _age_problems(values: Mapping[str, str]) -> list[Problem]:
    # The age comes from the dates as typed; a malformed date was reported already.
    birth, applied = parse_date(values["birth_date"]), parse_date(values["applied_on"])
    if birth is None or applied is None:
        return []
    age = age_on(birth, applied)
    expected = allowance_type_for(age)
    if expected is None:
        return [Problem("allowance_type", f"申请人申请日未满80周岁（{age}周岁），不符合申请条件")]
    if values["allowance_type"] != expected:
        return [Problem("allowance_type", f"津贴类别与申请人年龄不符（申请日{age}周岁）")]
    return []
