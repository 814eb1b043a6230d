"""高龄津贴申请 (elderly allowance application): the first universal form.

Fields the store knows are prefilled and locked (``source="store"``); the worker completes the
rest.
"""

from __future__ import annotations

from datetime import date

from pydantic import field_validator

from hub.errors import InvalidInput
from hub.forms._spec import BANKS, BankAnswers, FieldSpec, FormSpec, resident_fields
from hub.idcard import age_on

ALLOWANCE_TYPES = [("80-89", "80-89周岁"), ("90-99", "90-99周岁"), ("100+", "100周岁及以上")]


class ElderlyAllowanceAnswers(BankAnswers):
    """What the worker types; the store supplies name, ID number, sex and birth date."""

    allowance_type: str

    @field_validator("allowance_type")
    @classmethod
    def _allowance(cls, value: str) -> str:
        if value not in dict(ALLOWANCE_TYPES):
            raise ValueError("请选择津贴类别")
        return value


def allowance_type_for(birth: date, on: date) -> str | None:
    age = age_on(birth, on)
    if age >= 100:
        return "100+"
    if age >= 90:
        return "90-99"
    if age >= 80:
        return "80-89"
    return None


def check_eligibility(birth: date, answers: ElderlyAllowanceAnswers) -> None:
    """Over 80 on the day applied for, in the allowance band of that age."""
    expected = allowance_type_for(birth, answers.applied_on)
    if expected is None:
        raise InvalidInput(
            "applicant under 80", user_message="申请人未满80周岁，不符合高龄津贴条件"
        )
    if expected != answers.allowance_type:
        raise InvalidInput(
            "allowance type mismatch",
            user_message=f"按出生日期，津贴类别应为“{dict(ALLOWANCE_TYPES)[expected]}”",
        )


ELDERLY_ALLOWANCE = FormSpec(
    id="elderly-allowance",
    version=1,
    title="高龄津贴申请",
    targets=["civil_affairs", "elderly_api"],
    fields=[
        *resident_fields(),
        FieldSpec(
            name="phone",
            label="联系电话",
            source="prefill",
            kind="tel",
            help="老人或家属的手机号码",
        ),
        FieldSpec(name="address", label="户籍地址", source="prefill"),
        FieldSpec(
            name="allowance_type",
            label="津贴类别",
            kind="select",
            source="prefill",
            options=ALLOWANCE_TYPES,
            help="按申请日年龄自动选择",
        ),
        FieldSpec(name="bank", label="开户银行", kind="select", options=BANKS),
        FieldSpec(name="bank_account", label="银行账号", help="津贴发放账户，16-19位数字"),
        FieldSpec(name="applied_on", label="申请日期", kind="date", source="prefill"),
    ],
    answers=ElderlyAllowanceAnswers,
    prefill=lambda facts, today: {
        "allowance_type": allowance_type_for(facts.birth_date, today) or "",
    },
    check=lambda facts, answers: check_eligibility(facts.birth_date, answers),
)
