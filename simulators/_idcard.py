"""GB 11643-1999 resident ID numbers: the ISO 7064 MOD 11-2 check character and the birth date.

The simulators validate IDs the way the real systems do; they deliberately share nothing with
the hub's own validator, so a bug there cannot hide behind the same bug here.
"""

from __future__ import annotations

import re
from datetime import date

# Weight of position i is 2^(17-i) mod 11: 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2.
_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK_CHARACTERS = "10X98765432"
# [0-9] rather than \d: \d also accepts full-width and other Unicode digits.
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def check_character(first17: str) -> str:
    """The 18th character for the given 17 leading digits."""
    if not re.fullmatch(r"[0-9]{17}", first17):
        raise ValueError("expected 17 ASCII digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


def has_valid_shape(id_number: str) -> bool:
    """17 digits then a digit or an upper-case X (the standard prints X in upper case)."""
    return _SHAPE.fullmatch(id_number) is not None


def has_valid_check_character(id_number: str) -> bool:
    return has_valid_shape(id_number) and check_character(id_number[:17]) == id_number[17]


def birth_date_of(id_number: str) -> date | None:
    """The date encoded in digits 7-14, or None when they are not a calendar date."""
    digits = id_number[6:14]
    if not re.fullmatch(r"[0-9]{8}", digits):
        return None
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def sex_code_of(id_number: str) -> str:
    """'1' (male) when the 17th digit is odd, '2' (female) when even, as GB 11643 assigns them."""
    return "1" if int(id_number[16]) % 2 == 1 else "2"
