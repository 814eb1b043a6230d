"""Universal forms: what the worker fills once, and how it is checked."""

from hub.forms._disability_allowance import DISABILITY_ALLOWANCE, DisabilityAllowanceAnswers
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
from hub.forms._veterans import VETERANS, VeteransAnswers

FORMS: dict[str, FormSpec] = {
    form.id: form
    for form in (ELDERLY_ALLOWANCE, VETERANS, DISABILITY_ALLOWANCE, MINIMUM_LIVING, HOUSE_SAFETY)
}

__all__ = [
    "DISABILITY_ALLOWANCE",
    "ELDERLY_ALLOWANCE",
    "FORMS",
    "HOUSE_SAFETY",
    "MINIMUM_LIVING",
    "VETERANS",
    "CommonAnswers",
    "DisabilityAllowanceAnswers",
    "ElderlyAllowanceAnswers",
    "FieldSpec",
    "FormSpec",
    "HouseSafetyAnswers",
    "MinimumLivingAnswers",
    "VeteransAnswers",
    "allowance_type_for",
    "check_eligibility",
    "parse_answers",
    "prefilled_values",
]
