"""Personal data as the /records page shows it: enough to tell records apart, not to identify
anyone from a screen or a screenshot. The JSON hook /_sim/records keeps it whole for tests."""

from __future__ import annotations

MASK = "*"


def mask_name(name: str) -> str:
    """The surname's character, the rest masked: 𠮷祥英 -> 𠮷**."""
    return name[:1] + MASK * (len(name) - 1) if len(name) > 1 else MASK * len(name)


def mask_id_number(id_number: str) -> str:
    """The region (six digits) and the last four kept, the birth date masked."""
    if len(id_number) < 12:
        return MASK * len(id_number)
    return id_number[:6] + MASK * (len(id_number) - 10) + id_number[-4:]


def mask_phone(phone: str) -> str:
    """The first three and last four digits kept: 139****0315."""
    if len(phone) < 8:
        return MASK * len(phone)
    return phone[:3] + MASK * (len(phone) - 7) + phone[-4:]
