"""高龄津贴's rule: 80 or older on the day applied for, in the allowance band of that age.

The form opens with the band (`derived.elderly_allowance_band`, hub/forms/_bindings.py) and
its `allowance_band` check (hub/forms/_checks.py) demands it: both read `allowance_type_for`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from hub.errors import InvalidInput
from hub.idcard import age_on

#: The bands as the form offers them (forms/elderly-allowance.toml), named in the refusal.
ALLOWANCE_TYPES = [("80-89", "80-89周岁"), ("90-99", "90-99周岁"), ("100+", "100周岁及以上")]


def allowance_type_for(birth: date, on: date) -> str | None:
    """The band of her age on that day; None under 80."""
    age = age_on(birth, on)
    if age >= 100:
        return "100+"
    if age >= 90:
        return "90-99"
    if age >= 80:
        return "80-89"
    return None


def check_eligibility(birth: date, values: Mapping[str, Any]) -> None:
    """values: the form's checked values (`allowance_type`, and `applied_on` as a date)."""
    expected = allowance_type_for(birth, values["applied_on"])
    if expected is None:
        raise InvalidInput(
            "applicant under 80", user_message="申请人未满80周岁，不符合高龄津贴条件"
        )
    if expected != values["allowance_type"]:
        raise InvalidInput(
            "allowance type mismatch",
            user_message=f"按出生日期，津贴类别应为“{dict(ALLOWANCE_TYPES)[expected]}”",
        )
