"""Pure mapping: the hub's application -> the city platform's JSON body."""

from __future__ import annotations

from connectors.sdk import Application


def to_target(application: Application) -> dict[str, str]:
    return {
        "id_number": application.id_number,
        "name": application.name,
        "sex": application.sex,
        "birth_date": application.birth_date.isoformat(),
        "phone": application.phone,
        "address": application.address,
        "community_code": application.community_code,
        "allowance_type": application.answer("allowance_type"),
        "applied_on": application.applied_on.isoformat(),
    }
