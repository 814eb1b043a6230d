"""The cross-field checks a template names in `checks`: rules its data cannot express.

Two kinds, run at two moments:

- a `ValuesCheck` runs with the field rules (inside `validate_values`) and sees only the values
  that passed their own rules; it returns field errors, reported together with the others;
- a `FactsCheck` runs once every value is valid (`check_facts`), against the store's facts, and
  raises InvalidInput.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from hub.errors import InvalidInput
from hub.forms._rules_elderly import check_eligibility
from hub.idcard import age_on
from hub.store import ResidentFacts

#: 护理补贴 is for severe (重度) disability: grades 一级 and 二级 only.
CARE_GRADES = ("1", "2")
MIN_ENLISTING_AGE = 16
#: 《危险房屋鉴定标准》 (JGJ 125) C 局部危险 and D 整幢危险.
DANGEROUS_LEVELS = ("C", "D")


@dataclass(frozen=True)
class ValuesCheck:
    #: The fields it reads; the loader refuses a template that lacks one.
    reads: tuple[str, ...]
    run: Callable[[Mapping[str, Any]], dict[str, str]]


@dataclass(frozen=True)
class FactsCheck:
    reads: tuple[str, ...]
    run: Callable[[ResidentFacts, Mapping[str, Any]], None]


def _card_matches_category_and_grade(values: Mapping[str, Any]) -> dict[str, str]:
    card = values.get("disability_card_no")
    if card is None:  # itself invalid: its own message is reported
        return {}
    category, grade = values.get("disability_category"), values.get("disability_grade")
    if category is not None and card[18] != category:
        return {"disability_card_no": "残疾证号第19位应为残疾类别代码，与所选残疾类别不一致"}
    if grade is not None and card[19] != grade:
        return {"disability_card_no": "残疾证号第20位应为残疾等级代码，与所选残疾等级不一致"}
    return {}


def _care_subsidy_for_severe_grades(values: Mapping[str, Any]) -> dict[str, str]:
    types, grade = values.get("subsidy_types"), values.get("disability_grade")
    if types is None or grade is None:  # either invalid: its own message is reported
        return {}
    if "care" in types.split(",") and grade not in CARE_GRADES:
        return {"subsidy_types": "重度残疾人护理补贴仅限残疾等级为一级、二级的残疾人申请"}
    return {}


def _card_holder(facts: ResidentFacts, values: Mapping[str, Any]) -> None:
    """The card must be the resident's own: its first 18 characters are her ID number."""
    if values["disability_card_no"][:18] != facts.id_number:
        message = "残疾证号前18位应与申请人的公民身份号码一致"
        raise InvalidInput(
            "card number of another person",
            user_message=message,
            field_errors={"disability_card_no": message},
        )


def _enlisting_age(facts: ResidentFacts, values: Mapping[str, Any]) -> None:
    """Nobody enlists before turning 16: the store's birth date against the enlisting day."""
    if age_on(facts.birth_date, values["enlisted_on"]) < MIN_ENLISTING_AGE:
        message = f"入伍时未满{MIN_ENLISTING_AGE}周岁，请核对入伍时间"
        raise InvalidInput(
            "enlisted under 16", user_message=message, field_errors={"enlisted_on": message}
        )


def _hazards_when_dangerous(facts: ResidentFacts, values: Mapping[str, Any]) -> None:
    """A C or D house must say what is dangerous: the platform refuses it bare."""
    if values["safety_level"] in DANGEROUS_LEVELS and not values.get("hazards"):
        message = "安全等级为C级或D级时须填写隐患描述"
        raise InvalidInput(
            "hazards required", user_message=message, field_errors={"hazards": message}
        )


CHECKS: dict[str, ValuesCheck | FactsCheck] = {
    "card_matches_category_and_grade": ValuesCheck(
        reads=("disability_card_no", "disability_category", "disability_grade"),
        run=_card_matches_category_and_grade,
    ),
    "care_subsidy_for_severe_grades": ValuesCheck(
        reads=("subsidy_types", "disability_grade"), run=_care_subsidy_for_severe_grades
    ),
    "allowance_band": FactsCheck(
        reads=("allowance_type", "applied_on"),
        run=lambda facts, values: check_eligibility(facts.birth_date, values),
    ),
    "card_holder": FactsCheck(reads=("disability_card_no",), run=_card_holder),
    "enlisting_age": FactsCheck(reads=("enlisted_on",), run=_enlisting_age),
    # Needs no facts, but runs after the field rules: a C or D house without hazards.
    "hazards_when_dangerous": FactsCheck(
        reads=("safety_level", "hazards"), run=_hazards_when_dangerous
    ),
}
