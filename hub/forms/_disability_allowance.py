"""残疾人两项补贴申请 (困难残疾人生活补贴 and 重度残疾人护理补贴): filed with the province's
disability-subsidy system, where the robot logs in with the worker's own account.

The 残疾证号 of the second-generation card is the holder's 18-character ID number followed by
one digit for the 残疾类别 and one for the 残疾等级; the form checks all three agree, so that
the target does not have to refuse it.
"""

from __future__ import annotations

import re
from datetime import date

from pydantic import ValidationInfo, field_validator

from hub.errors import InvalidInput
from hub.forms._spec import BANKS, BankAnswers, FieldSpec, FormSpec, resident_fields
from hub.store import ResidentFacts

CATEGORIES = [
    ("1", "视力残疾"),
    ("2", "听力残疾"),
    ("3", "言语残疾"),
    ("4", "肢体残疾"),
    ("5", "智力残疾"),
    ("6", "精神残疾"),
    ("7", "多重残疾"),
]
GRADES = [("1", "一级"), ("2", "二级"), ("3", "三级"), ("4", "四级")]
SUBSIDY_TYPES = [
    ("living", "困难残疾人生活补贴"),
    ("care", "重度残疾人护理补贴"),
    ("living,care", "两项都申请"),
]
#: 护理补贴 is for severe (重度) disability: grades 一级 and 二级 only.
CARE_GRADES = ("1", "2")
# [0-9], not \d or str.isdigit(): those also take full-width digits and superscripts.
_CARD = re.compile(r"[0-9]{17}[0-9X][1-7][1-4]")


class DisabilityAllowanceAnswers(BankAnswers):
    """What the worker types; the store supplies name, ID number, sex and birth date.

    Category and grade come before the card number and the subsidy types, so that the
    validators of those two can compare with them (pydantic validates in field order).
    """

    disability_category: str
    disability_grade: str
    disability_card_no: str
    subsidy_types: str

    @field_validator("disability_category")
    @classmethod
    def _category(cls, value: str) -> str:
        if value not in dict(CATEGORIES):
            raise ValueError("请选择残疾类别")
        return value

    @field_validator("disability_grade")
    @classmethod
    def _grade(cls, value: str) -> str:
        if value not in dict(GRADES):
            raise ValueError("请选择残疾等级")
        return value

    @field_validator("disability_card_no")
    @classmethod
    def _card(cls, value: str, info: ValidationInfo) -> str:
        card = value.strip().replace(" ", "").upper()  # the ID's check character x is X
        if not _CARD.fullmatch(card):
            raise ValueError("残疾证号应为20位：18位公民身份号码，加残疾类别、残疾等级各1位")
        category, grade = info.data.get("disability_category"), info.data.get("disability_grade")
        if category is not None and card[18] != category:
            raise ValueError("残疾证号第19位应为残疾类别代码，与所选残疾类别不一致")
        if grade is not None and card[19] != grade:
            raise ValueError("残疾证号第20位应为残疾等级代码，与所选残疾等级不一致")
        return card

    @field_validator("subsidy_types")
    @classmethod
    def _subsidies(cls, value: str, info: ValidationInfo) -> str:
        if value not in dict(SUBSIDY_TYPES):
            raise ValueError("请选择补贴类型")
        grade = info.data.get("disability_grade")
        if "care" in value.split(",") and grade is not None and grade not in CARE_GRADES:
            raise ValueError("重度残疾人护理补贴仅限残疾等级为一级、二级的残疾人申请")
        return value


def check_card_holder(facts: ResidentFacts, answers: DisabilityAllowanceAnswers) -> None:
    """The card must be the resident's own: its first 18 characters are her ID number."""
    if answers.disability_card_no[:18] != facts.id_number:
        message = "残疾证号前18位应与申请人的公民身份号码一致"
        raise InvalidInput(
            "card number of another person",
            user_message=message,
            field_errors={"disability_card_no": message},
        )


def _prefill(facts: ResidentFacts, today: date) -> dict[str, str]:
    # The card number starts with her ID number: the worker only adds the last two digits.
    return {"disability_card_no": facts.id_number}


DISABILITY_ALLOWANCE = FormSpec(
    id="disability-allowance",
    version=1,
    title="残疾人两项补贴申请",
    targets=["disability_allowance"],
    fields=[
        *resident_fields(),
        FieldSpec(name="phone", label="联系电话", source="prefill", kind="tel"),
        FieldSpec(name="address", label="详细地址", source="prefill", help="现居住地址"),
        FieldSpec(name="disability_category", label="残疾类别", kind="select", options=CATEGORIES),
        FieldSpec(name="disability_grade", label="残疾等级", kind="select", options=GRADES),
        FieldSpec(
            name="disability_card_no",
            label="残疾证号",
            source="prefill",
            help="第二代残疾人证号，20位：公民身份号码后加残疾类别、残疾等级代码",
        ),
        FieldSpec(
            name="subsidy_types",
            label="补贴类型",
            kind="select",
            options=SUBSIDY_TYPES,
            help="重度残疾人护理补贴仅限一级、二级残疾人",
        ),
        FieldSpec(name="bank", label="开户银行", kind="select", options=BANKS),
        FieldSpec(name="bank_account", label="银行账号", help="补贴发放账户，16-19位数字"),
        FieldSpec(name="applied_on", label="申请日期", kind="date", source="prefill"),
    ],
    answers=DisabilityAllowanceAnswers,
    prefill=_prefill,
    check=lambda facts, answers: check_card_holder(facts, answers),
)
