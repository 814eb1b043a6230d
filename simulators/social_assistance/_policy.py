"""无锡's 最低生活保障 standard, and what an approved family is paid."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

BUSINESS_TYPE = "最低生活保障"
# 无锡 2026: 1,165 yuan per person per month, the same in town and country.
STANDARD = Decimal(1165)
RECEIPT_PREFIX = "SHJZ"


def monthly_amount(*, household_size: int, income_per_person: Decimal) -> int:
    """差额补助: the gap to the standard for every member of the family, rounded to the yuan."""
    gap = max(STANDARD - income_per_person, Decimal(0)) * household_size
    return int(gap.quantize(Decimal(1), rounding=ROUND_HALF_UP))
