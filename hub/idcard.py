"""Chinese identity data: resident ID numbers (GB 11643), mobile numbers, masking."""

from __future__ import annotations

import re
from datetime import date

from hub.errors import InvalidInput

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
# [0-9], not \d: \d also matches full-width and other Unicode digits, which int() accepts, so
# "３２０２…" would pass and be stored beside (and not deduplicated against) "3202…".
_ID_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")
MOBILE_PATTERN = re.compile(r"^1[3-9][0-9]{9}$")


def check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def parse_id_number(value: str) -> tuple[str, date, str]:
    """Validate an 18-character ID; return (normalised id, birth date, sex code 1/2)."""
    id_number = value.strip().upper()
    if not _ID_SHAPE.match(id_number):
        raise InvalidInput("id number shape", user_message="公民身份号码应为18位（最后一位可为X）")
    if check_character(id_number[:17]) != id_number[17]:
        raise InvalidInput("id number check character", user_message="公民身份号码校验位错误")
    try:
        birth = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        raise InvalidInput("id birth date", user_message="公民身份号码中的出生日期无效") from None
    sex = "1" if int(id_number[16]) % 2 == 1 else "2"
    return id_number, birth, sex


def validate_mobile(value: str) -> str:
    phone = value.strip()
    if not MOBILE_PATTERN.match(phone):
        raise InvalidInput("mobile shape", user_message="手机号码应为以1开头的11位数字")
    return phone


def mask_id_number(id_number: str) -> str:
    return f"{id_number[:4]}{'*' * 10}{id_number[-4:]}"


def mask_name(name: str) -> str:
    chars = list(name)  # code points, so a character outside the BMP counts as one
    if len(chars) <= 1:
        return "*"
    if len(chars) == 2:
        return chars[0] + "*"
    return chars[0] + "*" * (len(chars) - 2) + chars[-1]


def mask_value(kind: str, value: str) -> str:
    """A form field's value masked as lists show it: an ID number (kind "idcard"), else a name."""
    return mask_id_number(value) if kind == "idcard" else mask_name(value)


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) == 11 else "****"


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
