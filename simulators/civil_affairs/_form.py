"""The 高龄津贴 entry form: its fields in screen order, and the checks run when it is posted."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from simulators._rules import Problem, applicant_problems

BUSINESS_TYPE = "高龄津贴"
BANKS = ("中国农业银行", "中国工商银行", "江苏银行", "无锡农村商业银行")
_BANK_ACCOUNT = re.compile(r"[0-9]{16,19}")


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    # (value, text) pairs for a <select>; None for a text box.
    options: tuple[tuple[str, str], ...] | None = None
    hint: str = ""


FIELDS = (
    FormField("name", "姓名"),
    FormField("id_number", "公民身份号码", hint="18位，末位X请大写"),
    FormField("sex", "性别", options=(("1", "男"), ("2", "女"))),
    FormField("birth_date", "出生日期", hint="格式：YYYY-MM-DD"),
    FormField("phone", "联系电话", hint="11位手机号码"),
    FormField("address", "户籍地址"),
    FormField("community", "所属社区"),
    FormField(
        "allowance_type",
        "津贴类别",
        options=(("80-89", "80-89周岁"), ("90-99", "90-99周岁"), ("100+", "100周岁及以上")),
    ),
    FormField("bank", "开户银行", options=tuple((bank, bank) for bank in BANKS)),
    FormField("bank_account", "银行账号", hint="16-19位数字"),
    FormField("applied_on", "申请日期", hint="格式：YYYY-MM-DD"),
)
FIELD_NAMES = tuple(field.name for field in FIELDS) + ("business_type",)


def form_problems(values: Mapping[str, str]) -> list[Problem]:
    """Every reason to refuse the form, in screen order; empty when it can be filed."""
    # Blank-looking is blank: reported once as missing rather than again as malformed.
    values = {name: value if value.strip() else "" for name, value in values.items()}
    problems = [
        Problem(f.name, f"请{'选择' if f.options else '填写'}{f.label}")
        for f in FIELDS
        if not values[f.name]
    ]
    problems += applicant_problems(values)
    if values["bank"] and values["bank"] not in BANKS:
        problems.append(Problem("bank", "开户银行无效"))
    if values["bank_account"] and not _BANK_ACCOUNT.fullmatch(values["bank_account"]):
        problems.append(Problem("bank_account", "银行账号应为16至19位数字"))
    if values["business_type"] != BUSINESS_TYPE:
        problems.append(Problem("business_type", "业务类型无效"))
    order = {name: i for i, name in enumerate(FIELD_NAMES)}
    return sorted(problems, key=lambda p: order[p.field])
