"""The cross-field checks a template names in `checks`: rules its data cannot express.

Two kinds, run at the two moments today's Python forms run them:

- a `ValuesCheck` runs with the field rules (inside `validate_values`) and sees only the values
  that passed their own rules, as a pydantic validator sees `info.data`; it returns field errors,
  reported together with the others;
- a `FactsCheck` runs once every value is valid, against the store's facts (as `FormSpec.check`
  does), and raises InvalidInput.

The facts checks call the forms' existing functions; the two values checks are the parts of
the disability form's field validators that compare fields, which no function holds yet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from hub.forms._disability_allowance import (
    CARE_GRADES,
    DisabilityAllowanceAnswers,
    check_card_holder,
)
from hub.forms._elderly_allowance import ElderlyAllowanceAnswers, check_eligibility
from hub.forms._house_safety import HouseSafetyAnswers, check_hazards
from hub.forms._veterans import VeteransAnswers, check_enlisting_age
from hub.store import ResidentFacts


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


# The existing checks read answers as attributes: model_construct gives them the answers model
# without validating again (the values are already clean).
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
        run=lambda facts, values: check_eligibility(
            facts.birth_date, ElderlyAllowanceAnswers.model_construct(**values)
        ),
    ),
    "card_holder": FactsCheck(
        reads=("disability_card_no",),
        run=lambda facts, values: check_card_holder(
            facts, DisabilityAllowanceAnswers.model_construct(**values)
        ),
    ),
    "enlisting_age": FactsCheck(
        reads=("enlisted_on",),
        run=lambda facts, values: check_enlisting_age(
            facts, VeteransAnswers.model_construct(**values)
        ),
    ),
    # Needs no facts, but runs after the field rules as today: a C or D house without hazards.
    "hazards_when_dangerous": FactsCheck(
        reads=("safety_level", "hazards"),
        run=lambda facts, values: check_hazards(
            facts, HouseSafetyAnswers.model_construct(**values)
        ),
    ),
}
