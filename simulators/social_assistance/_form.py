"""The 低保 entry form: its fields in screen order, and the checks run when it is posted."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from simulators._rules import Problem, person_problems
from simulators.social_assistance._policy import STANDARD

MAX_HOUSEHOLD = 20
MAX_REASON = 500
_HOUSEHOLD = re.compile(r"[0-9]{1,2}")
# Yuan with at most jiao and fen; [0-9] rather than \d, which also takes full-width digits.
_MONEY = re.compile(r"[0-9]{1,7}(\.[0-9]{1,2})?")


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    # "text", "number", "select" or "textarea": how the page draws it.
    kind: str = "text"
    # (value, text) pairs for a select.
    options: tuple[tuple[str, str], ...] = ()
    hint: str = ""


FIELDS = (
    FormField("name", "申请人姓名"),
    FormField("id_number", "公民身份号码", hint="18位，末位X请大写"),
    FormField("sex", "性别", kind="select", options=(("1", "男"), ("2", "女"))),
    FormField("household_size", "家庭人口", kind="number", hint=f"1-{MAX_HOUSEHOLD}人"),
    FormField("monthly_income", "家庭月人均收入（元）", hint=f"本地低保标准{STANDARD}元/人·月"),
    FormField("address", "户籍地址"),
    FormField("community", "所属社区"),
    FormField("application_reason", "申请原因", kind="textarea"),
    FormField("phone", "联系电话", hint="11位手机号码"),
    FormField("applied_on", "申请日期", hint="格式：YYYY-MM-DD"),
)
FIELD_NAMES = tuple(field.name for field in FIELDS)


def form_problems(values: Mapping[str, str]) -> list[Problem]:
    """Every reason to refuse the form, in screen order; empty when it can be filed."""
    # Blank-looking is blank: reported once as missing rather than again as malformed.
    values = {name: value if value.strip() else "" for name, value in values.items()}
    problems = [
        Problem(f.name, f"请{'选择' if f.kind == 'select' else '填写'}{f.label}")
        for f in FIELDS
        if not values[f.name]
    ]
    problems += person_problems(values)
    problems += _household_problems(values)
    if len(values["application_reason"]) > MAX_REASON:
        problems.append(Problem("application_reason", f"申请原因不能超过{MAX_REASON}个字"))
    order = {name: i for i, name in enumerate(FIELD_NAMES)}
    return sorted(problems, key=lambda p: order[p.field])


def _household_problems(values: Mapping[str, str]) -> list[Problem]:
    problems = []
    size = values["household_size"]
    if size and not (_HOUSEHOLD.fullmatch(size) and 1 <= int(size) <= MAX_HOUSEHOLD):
        problems.append(Problem("household_size", f"家庭人口应为1至{MAX_HOUSEHOLD}的整数"))
    income = values["monthly_income"]
    if income and not _MONEY.fullmatch(income):
        message = "家庭月人均收入应为不小于0的金额（元，最多两位小数）"
        problems.append(Problem("monthly_income", message))
    elif income and Decimal(income) > STANDARD:
        message = f"家庭月人均收入高于本地低保标准（{STANDARD}元），不符合申请条件"
        problems.append(Problem("monthly_income", message))
    return problems
