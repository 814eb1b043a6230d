"""Universal forms: what the worker fills once, and how it is checked."""

from hub.forms._elderly_allowance import (
    ELDERLY_ALLOWANCE,
    ElderlyAllowanceAnswers,
    allowance_type_for,
    check_eligibility,
)
from hub.forms._house_safety import HOUSE_SAFETY, HouseSafetyAnswers
from hub.forms._minimum_living import MINIMUM_LIVING, MinimumLivingAnswers
from hub.forms._spec import (
    CommonAnswers,
    FieldSpec,
    FormSpec,
    parse_answers,
    prefilled_values,
)

FORMS: dict[str, FormSpec] = {
    form.id: form for form in (ELDERLY_ALLOWANCE, MINIMUM_LIVING, HOUSE_SAFETY)
}

__all__ = [
    "ELDERLY_ALLOWANCE",
    "FORMS",
    "HOUSE_SAFETY",
    "MINIMUM_LIVING",
    "CommonAnswers",
    "ElderlyAllowanceAnswers",
    "FieldSpec",
    "FormSpec",
    "HouseSafetyAnswers",
    "MinimumLivingAnswers",
    "allowance_type_for",
    "check_eligibility",
    "parse_answers",
    "prefilled_values",
]
