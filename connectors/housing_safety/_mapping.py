"""Pure mapping: the hub's 房屋安全排查登记 -> the housing-safety platform's JSON body.

The resident is the house's owner or occupant; the form's 排查日期 travels as applied_on (the
date every hub form carries), and its address is the house's, as the worker confirmed it.
"""

from __future__ import annotations

from connectors.sdk import Application


def to_target(application: Application) -> dict[str, str]:
    return {
        "address": application.address,
        "community_code": application.community_code,
        "owner_name": application.name,
        "owner_id_number": application.id_number,
        "phone": application.phone,
        "structure": application.answer("structure"),
        "built_year": application.answer("built_year"),
        "floors": application.answer("floors"),
        "safety_level": application.answer("safety_level"),
        "hazards": application.answer("hazards"),
        "inspected_on": application.applied_on.isoformat(),
        "inspector": application.answer("inspector"),
    }
