"""What a universal form is: its fields, its targets, and how answers are checked and prefilled.

Issue #7 turns forms into versioned data files; until then each form is one module here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import ErrorDetails

from hub.errors import InvalidInput
from hub.idcard import MOBILE_PATTERN
from hub.store import ResidentFacts


class FieldSpec(BaseModel):
    name: str
    label: str
    kind: str = "text"  # text | select | date | tel | number | money | textarea
    source: str = "worker"  # store: prefilled and locked; prefill: prefilled, editable; worker
    options: list[tuple[str, str]] = []
    help: str = ""
    masked: bool = False


def resident_fields(name_label: str = "姓名") -> list[FieldSpec]:
    """The four facts every resident form takes from the store, shown locked."""
    return [
        FieldSpec(name="name", label=name_label, source="store"),
        FieldSpec(name="id_number", label="公民身份号码", source="store", masked=True),
        FieldSpec(
            name="sex",
            label="性别",
            source="store",
            kind="select",
            options=[("1", "男"), ("2", "女")],
        ),
        FieldSpec(name="birth_date", label="出生日期", source="store", kind="date"),
    ]


class CommonAnswers(BaseModel):
    """What every resident application asks beyond the store's locked facts."""

    phone: str
    address: str
    applied_on: date

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        if not MOBILE_PATTERN.match(value.strip()):
            raise ValueError("手机号码应为以1开头的11位数字")
        return value.strip()

    @field_validator("address")
    @classmethod
    def _address(cls, value: str) -> str:
        if len(value.strip()) < 4:
            raise ValueError("请填写完整的户籍地址")
        return value.strip()


BANKS = [(b, b) for b in ("中国农业银行", "中国工商银行", "江苏银行", "无锡农村商业银行")]
# [0-9], not str.isdigit(): that also accepts full-width digits and superscripts such as "²".
_ACCOUNT = re.compile(r"[0-9]{16,19}")


class BankAnswers(CommonAnswers):
    """An application paid into the applicant's bank account (allowances, subsidies)."""

    bank: str
    bank_account: str

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


def _no_prefill(facts: ResidentFacts, today: date) -> dict[str, str]:
    return {}


def _no_check(facts: ResidentFacts, answers: Any) -> None:
    return None


class FormSpec(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    id: str
    version: int
    title: str
    targets: list[str]
    fields: list[FieldSpec]
    #: What the worker types, with a validator per field raising Chinese messages.
    answers: type[CommonAnswers] = Field(exclude=True)
    #: Extra prefilled values for this form beyond phone, address and today's date.
    prefill: Callable[[ResidentFacts, date], dict[str, str]] = Field(
        default=_no_prefill, exclude=True
    )
    #: Checks across the answers and the store's facts (age for 高龄津贴…); raises InvalidInput.
    check: Callable[[ResidentFacts, Any], None] = Field(default=_no_check, exclude=True)


def parse_answers(form: FormSpec, raw: Mapping[str, str]) -> CommonAnswers:
    """Validate the worker's answers; every bad field is reported at once, in Chinese."""
    try:
        return form.answers.model_validate(dict(raw))
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "form"
            errors.setdefault(field, _message(error))
        raise InvalidInput(f"invalid fields: {sorted(errors)}", field_errors=errors) from None


def prefilled_values(form: FormSpec, facts: ResidentFacts, today: date) -> dict[str, str]:
    """What the form opens with before she types anything."""
    return {
        "phone": facts.phone or "",
        "address": facts.address or "",
        "applied_on": today.isoformat(),
        **form.prefill(facts, today),
    }


def _message(error: ErrorDetails) -> str:
    if error["type"] == "value_error":
        return str(error.get("ctx", {}).get("error", "填写有误"))  # our own Chinese message
    if error["type"] == "missing":
        return "此项为必填项"
    if error["type"].startswith("date"):
        return "日期格式应为 年-月-日，例如 2026-11-25"
    return "填写有误"
