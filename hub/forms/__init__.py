"""Universal forms: what the worker fills once, and how it is checked."""

from hub.forms._elderly_allowance import (
    ELDERLY_ALLOWANCE,
    ElderlyAllowanceAnswers,
    FieldSpec,
    FormSpec,
    allowance_type_for,
    check_eligibility,
    parse_answers,
)

FORMS: dict[str, FormSpec] = {ELDERLY_ALLOWANCE.id: ELDERLY_ALLOWANCE}

__all__ = [
    "ELDERLY_ALLOWANCE",
    "FORMS",
    "ElderlyAllowanceAnswers",
    "FieldSpec",
    "FormSpec",
    "allowance_type_for",
    "check_eligibility",
    "parse_answers",
]
