"""退役军人信息采集 (veterans' information collection): filed with the national veterans'
information system, whose robot logs in as the worker (she reads its CAPTCHA)."""

from __future__ import annotations

from datetime import date

from pydantic import ValidationInfo, field_validator

from hub.clock import beijing_today
from hub.errors import InvalidInput
from hub.forms._codes import DISCHARGE_TYPES, ETHNIC_GROUPS, PLACEMENTS, YES_NO
from hub.forms._spec import CommonAnswers, FieldSpec, FormSpec, resident_fields
from hub.idcard import age_on
from hub.store import ResidentFacts

MIN_ENLISTING_AGE = 16
MAX_UNIT, MAX_RANK, MAX_HARDSHIP = 50, 20, 500


def _choice(value: str, options: list[tuple[str, str]], message: str) -> str:
    if value not in dict(options):
        raise ValueError(message)
    return value


def _not_future(value: date, label: str) -> date:
    if value > beijing_today():
        raise ValueError(f"{label}不能晚于今天")
    return value


class VeteransAnswers(CommonAnswers):
    """What the worker types; the store supplies name, ID number, sex and birth date."""

    ethnic_group: str
    # enlisted_on before discharged_on: the latter's validator reads the former.
    enlisted_on: date
    discharged_on: date
    unit: str
    discharge_type: str
    rank: str
    placement: str
    receives_pension: str
    hardship: str = ""

    @field_validator("ethnic_group")
    @classmethod
    def _ethnic_group(cls, value: str) -> str:
        return _choice(value, ETHNIC_GROUPS, "请选择民族")

    @field_validator("enlisted_on")
    @classmethod
    def _enlisted(cls, value: date) -> date:
        return _not_future(value, "入伍时间")

    @field_validator("discharged_on")
    @classmethod
    def _discharged(cls, value: date, info: ValidationInfo) -> date:
        enlisted = info.data.get("enlisted_on")  # absent when it was itself invalid
        if enlisted is not None and value <= enlisted:
            raise ValueError("退役时间应晚于入伍时间")
        return _not_future(value, "退役时间")

    @field_validator("unit")
    @classmethod
    def _unit(cls, value: str) -> str:
        value = value.strip()
        if not 2 <= len(value) <= MAX_UNIT:
            raise ValueError(f"请填写服役部队（2至{MAX_UNIT}个字）")
        return value

    @field_validator("discharge_type")
    @classmethod
    def _discharge_type(cls, value: str) -> str:
        return _choice(value, DISCHARGE_TYPES, "请选择退役类别")

    @field_validator("rank")
    @classmethod
    def _rank(cls, value: str) -> str:
        value = value.strip()
        if not 1 <= len(value) <= MAX_RANK:
            raise ValueError(f"请填写军衔/级别（不超过{MAX_RANK}个字）")
        return value

    @field_validator("placement")
    @classmethod
    def _placement(cls, value: str) -> str:
        return _choice(value, PLACEMENTS, "请选择安置方式")

    @field_validator("receives_pension")
    @classmethod
    def _pension(cls, value: str) -> str:
        return _choice(value, YES_NO, "请选择是否享受抚恤补助")

    @field_validator("hardship")
    @classmethod
    def _hardship(cls, value: str) -> str:
        value = value.strip()
        if len(value) > MAX_HARDSHIP:
            raise ValueError(f"困难情况不能超过{MAX_HARDSHIP}个字")
        return value


def check_enlisting_age(facts: ResidentFacts, answers: VeteransAnswers) -> None:
    """Nobody enlists before turning 16: the store's birth date against the enlisting day."""
    if age_on(facts.birth_date, answers.enlisted_on) < MIN_ENLISTING_AGE:
        message = f"入伍时未满{MIN_ENLISTING_AGE}周岁，请核对入伍时间"
        raise InvalidInput(
            "enlisted under 16", user_message=message, field_errors={"enlisted_on": message}
        )


VETERANS = FormSpec(
    id="veterans-info",
    version=1,
    title="退役军人信息采集",
    targets=["veterans"],
    fields=[
        *resident_fields(),
        FieldSpec(name="phone", label="联系电话", source="prefill", kind="tel"),
        FieldSpec(name="address", label="户籍地址", source="prefill"),
        FieldSpec(name="ethnic_group", label="民族", kind="select", options=ETHNIC_GROUPS),
        FieldSpec(name="enlisted_on", label="入伍时间", kind="date"),
        FieldSpec(name="discharged_on", label="退役时间", kind="date"),
        FieldSpec(name="unit", label="服役部队", help="部队番号或单位名称"),
        FieldSpec(name="discharge_type", label="退役类别", kind="select", options=DISCHARGE_TYPES),
        FieldSpec(name="rank", label="军衔/级别", help="如：中士、正连职"),
        FieldSpec(name="placement", label="安置方式", kind="select", options=PLACEMENTS),
        FieldSpec(name="receives_pension", label="是否享受抚恤补助", kind="select", options=YES_NO),
        FieldSpec(
            name="hardship",
            label="困难情况",
            kind="textarea",
            help="选填，如：因病致困、住房困难等",
        ),
        FieldSpec(name="applied_on", label="采集日期", kind="date", source="prefill"),
    ],
    answers=VeteransAnswers,
    check=check_enlisting_age,
)
