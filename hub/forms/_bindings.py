"""What a form template may name: the store paths a field binds to (its prefill) and the code
tables a select field offers. The loader refuses any other name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from hub.forms._codes import BANKS, DISCHARGE_TYPES, ETHNIC_GROUPS, PLACEMENTS, YES_NO
from hub.forms._rules_elderly import allowance_type_for
from hub.store import HouseView, ResidentFacts


@dataclass(frozen=True)
class StoreView:
    """What the store knows when a form opens: the resident, the day, and her house if any."""

    facts: ResidentFacts
    today: date
    house: HouseView | None = None


def _house(attribute: str) -> Callable[[StoreView], str]:
    return lambda view: str(getattr(view.house, attribute)) if view.house else ""


#: Store path -> its value as the form shows it ("" when the store does not know it).
STORE_PATHS: dict[str, Callable[[StoreView], str]] = {
    "resident.name": lambda view: view.facts.name,
    "resident.id_number": lambda view: view.facts.id_number,
    "resident.sex": lambda view: view.facts.sex,
    "resident.birth_date": lambda view: view.facts.birth_date.isoformat(),
    "resident.phone": lambda view: view.facts.phone or "",
    "resident.address": lambda view: view.facts.address or "",
    "resident.community_code": lambda view: view.facts.community_code,
    "resident.community_name": lambda view: view.facts.community_name,
    "today": lambda view: view.today.isoformat(),
    **{
        f"house.{attribute}": _house(attribute)
        for attribute in ("building", "unit", "room", "use", "ownership", "safety_status")
    },
    # Not kept in the store but fixed by its facts: computed by the hub's own rule, so that the
    # form opens with the band the eligibility check will demand.
    "derived.elderly_allowance_band": lambda view: (
        allowance_type_for(view.facts.birth_date, view.today) or ""
    ),
}

#: Code table name -> (code, Chinese name) pairs, in the order shown.
CODE_TABLES: dict[str, list[tuple[str, str]]] = {
    "banks": BANKS,
    "discharge_types": DISCHARGE_TYPES,
    "ethnic_groups": ETHNIC_GROUPS,
    "placements": PLACEMENTS,
    "yes_no": YES_NO,
}
