"""高龄津贴申请 (elderly allowance application): the first universal form.

Fields the store knows are prefilled and locked (``source="store"``); the worker completes the
rest. Issue #7 turns forms into versioned data files; this one is the walking skeleton's.
"""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel, ValidationError, field_validator
from pydantic_core import ErrorDetails

from hub.errors import InvalidInput
from hub.idcard import MOBILE_PATTERN as _MOBILE
from hub.idcard import age_on

# [0-9], not str.isdigit(): that also accepts full-width digits and superscripts such as "²".
_ACCOUNT = re.compile(r"[0-9]{16,19}")


class FieldSpec(BaseModel):
    name: str
    label: str
    kind: str = "text"  # text | select | date | tel
    source: str = "worker"  # store: prefilled and locked; prefill: prefilled, editable; worker
    options: list[tuple[str, str]] = []
    help: str = ""
    masked: bool = False


class FormSpec(BaseModel):
    id: str
    version: int
    title: str
    targets: list[str]
    fields: list[FieldSpec]


ALLOWANCE_TYPES = [("80-89", "80-89周岁"), ("90-99", "90-99周岁"), ("100+", "100周岁及以上")]
BANKS = [(b, b) for b in ("中国农业银行", "中国工商银行", "江苏银行", "无锡农村商业银行")]

ELDERLY_ALLOWANCE = FormSpec(
    id="elderly-allowance",
    version=1,
    title="高龄津贴申请",
    targets=["civil_affairs", "elderly_api"],
    fields=[
        FieldSpec(name="name", label="姓名", source="store"),
        FieldSpec(name="id_number", label="公民身份号码", source="store", masked=True),
        FieldSpec(
            name="sex",
            label="性别",
            source="store",
            kind="select",
            options=[("1", "男"), ("2", "女")],
        ),
        FieldSpec(name="birth_date", label="出生日期", source="store", kind="date"),
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
)


class ElderlyAllowanceAnswers(BaseModel):
    """What the worker types; the store supplies name, ID number, sex and birth date."""

    phone: str
    address: str
    allowance_type: str
    bank: str
    bank_account: str
    applied_on: date

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        if not _MOBILE.match(value.strip()):
            raise ValueError("手机号码应为以1开头的11位数字")
        return value.strip()

    @field_validator("address")
    @classmethod
    def _address(cls, value: str) -> str:
        if len(value.strip()) < 4:
            raise ValueError("请填写完整的户籍地址")
        return value.strip()

    @field_validator("allowance_type")
    @classmethod
    def _allowance(cls, value: str) -> str:
        if value not in dict(ALLOWANCE_TYPES):
            raise ValueError("请选择津贴类别")
        return value

    @field_validator("bank")
    @classmethod
    def _bank(cls, value: str) -> str:
        if value not in dict(BANKS):
            raise ValueError("请选择开户银行")
        return value

    @field_validator("bank_account")
    @classmethod
    def _account(cls, value: str) -> str:
        digits = value.replace(" ", "")
        if not _ACCOUNT.fullmatch(digits):
            raise ValueError("银行账号应为16-19位数字")
        return digits


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


def parse_answers(raw: dict[str, str]) -> ElderlyAllowanceAnswers:
    """Validate the worker's answers; every bad field is reported at once, in Chinese."""
    try:
        return ElderlyAllowanceAnswers.model_validate(raw)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "form"
            errors.setdefault(field, _message(error))
        raise InvalidInput(f"invalid fields: {sorted(errors)}", field_errors=errors) from None


def _message(error: ErrorDetails) -> str:
    if error["type"] == "value_error":
        return str(error.get("ctx", {}).get("error", "填写有误"))  # our own Chinese message
    if error["type"] == "missing":
        return "此项为必填项"
    if error["type"].startswith("date"):
        return "日期格式应为 年-月-日，例如 2026-11-25"
    return "填写有误"
