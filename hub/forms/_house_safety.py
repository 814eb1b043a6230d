"""房屋安全排查登记 (house safety inspection record): a community worker's inspection of a
resident's house, filed with the city's housing-safety platform.

The resident is the house's owner or occupant. Safety levels follow 《危险房屋鉴定标准》
(JGJ 125); a C or D house must come with its hazards described. The form's 排查日期 is the
``applied_on`` every form carries: the day of the inspection, prefilled with today.
"""

from __future__ import annotations

import re
from datetime import date

from pydantic import field_validator

from hub.clock import beijing_today
from hub.errors import InvalidInput
from hub.forms._spec import CommonAnswers, FieldSpec, FormSpec, resident_fields
from hub.store import ResidentFacts

STRUCTURES = [("砖混", "砖混结构"), ("框架", "框架结构"), ("砖木", "砖木结构"), ("其他", "其他")]
SAFETY_LEVELS = [
    ("A", "A级：结构安全"),
    ("B", "B级：基本安全（个别构件危险）"),
    ("C", "C级：局部危险"),
    ("D", "D级：整幢危险"),
]
DANGEROUS_LEVELS = ("C", "D")
OLDEST_YEAR = 1900
MAX_HAZARDS = 500
MAX_INSPECTOR = 20
# [0-9], not \d or str.isdigit(): those also take full-width digits and superscripts.
_YEAR = re.compile(r"[0-9]{4}")
_FLOORS = re.compile(r"[0-9]{1,2}")


class HouseSafetyAnswers(CommonAnswers):
    """What the worker types; the store supplies the owner's name, ID number, sex and birth."""

    structure: str
    built_year: str
    floors: str
    safety_level: str
    hazards: str = ""
    inspector: str

    @field_validator("address")
    @classmethod
    def _address(cls, value: str) -> str:  # replaces CommonAnswers' 户籍地址 wording
        if len(value.strip()) < 4:
            raise ValueError("请填写完整的房屋地址")
        return value.strip()

    @field_validator("structure")
    @classmethod
    def _structure(cls, value: str) -> str:
        if value not in dict(STRUCTURES):
            raise ValueError("请选择结构类型")
        return value

    @field_validator("built_year")
    @classmethod
    def _built_year(cls, value: str) -> str:
        value, this_year = value.strip(), beijing_today().year
        if not (_YEAR.fullmatch(value) and OLDEST_YEAR <= int(value) <= this_year):
            raise ValueError(f"建成年份应为{OLDEST_YEAR}至{this_year}之间的四位年份")
        return value

    @field_validator("floors")
    @classmethod
    def _floors(cls, value: str) -> str:
        value = value.strip()
        if not (_FLOORS.fullmatch(value) and 1 <= int(value) <= 99):
            raise ValueError("层数应为1至99的整数")
        return str(int(value))

    @field_validator("safety_level")
    @classmethod
    def _safety_level(cls, value: str) -> str:
        if value not in dict(SAFETY_LEVELS):
            raise ValueError("请选择安全等级")
        return value

    @field_validator("hazards")
    @classmethod
    def _hazards(cls, value: str) -> str:
        value = value.strip()
        if len(value) > MAX_HAZARDS:
            raise ValueError(f"隐患描述不能超过{MAX_HAZARDS}个字")
        return value

    @field_validator("applied_on")
    @classmethod
    def _inspected_on(cls, value: date) -> date:
        if value > beijing_today():
            raise ValueError("排查日期不能晚于今天")
        return value

    @field_validator("inspector")
    @classmethod
    def _inspector(cls, value: str) -> str:
        value = value.strip()
        if not 2 <= len(value) <= MAX_INSPECTOR:
            raise ValueError(f"请填写排查人姓名（2至{MAX_INSPECTOR}个字）")
        return value


def check_hazards(facts: ResidentFacts, answers: HouseSafetyAnswers) -> None:
    """A C or D house (局部/整幢危险) must say what is dangerous: the platform refuses it bare."""
    if answers.safety_level in DANGEROUS_LEVELS and not answers.hazards:
        message = "安全等级为C级或D级时须填写隐患描述"
        raise InvalidInput(
            "hazards required", user_message=message, field_errors={"hazards": message}
        )


HOUSE_SAFETY = FormSpec(
    id="house-safety",
    version=1,
    title="房屋安全排查登记",
    targets=["housing_safety"],
    fields=[
        *resident_fields("产权人/使用人"),
        FieldSpec(name="phone", label="联系电话", source="prefill", kind="tel"),
        FieldSpec(
            name="address",
            label="房屋地址",
            source="prefill",
            help="默认为户籍地址；排查的房屋在别处时请改为房屋所在地址",
        ),
        FieldSpec(name="structure", label="结构类型", kind="select", options=STRUCTURES),
        FieldSpec(name="built_year", label="建成年份", kind="number", help="四位年份，如 1985"),
        FieldSpec(name="floors", label="层数", kind="number", help="地上层数，1至99"),
        FieldSpec(name="safety_level", label="安全等级", kind="select", options=SAFETY_LEVELS),
        FieldSpec(
            name="hazards",
            label="隐患描述",
            kind="textarea",
            help="C级、D级必填：写明危险部位和现象，如承重墙开裂、屋面渗漏",
        ),
        FieldSpec(name="applied_on", label="排查日期", kind="date", source="prefill"),
        FieldSpec(name="inspector", label="排查人"),
    ],
    answers=HouseSafetyAnswers,
    check=check_hazards,
)
