"""Houses (房) and households (户): where residents live and who lives with whom."""

from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import Session, col, select

from hub.crypto import FieldCipher
from hub.idcard import mask_name
from hub.store._models import House, Household, Resident
from hub.store._residents import resident_name


class HouseholdMember(BaseModel):
    resident_id: int
    name_masked: str
    relation_to_head: str


class HouseView(BaseModel):
    building: str
    unit: str
    room: str
    use: str
    ownership: str
    safety_status: str


def add_house_and_household(
    *,
    session: Session,
    community: str,
    building: str,
    unit: str,
    room: str,
    address: str,
    safety_status: str = "安全",
) -> Household:
    house = House(
        community_code=community,
        building=building,
        unit=unit,
        room=room,
        safety_status=safety_status,
    )
    session.add(house)
    session.flush()
    household = Household(community_code=community, house_id=house.id, address=address)
    session.add(household)
    session.flush()
    return household


def household_members(
    *, session: Session, cipher: FieldCipher, resident: Resident
) -> list[HouseholdMember]:
    if resident.household_id is None:
        return []
    stmt = select(Resident).where(Resident.household_id == resident.household_id)
    return [
        HouseholdMember(
            resident_id=m.id or 0,
            name_masked=mask_name(resident_name(cipher=cipher, resident=m)),
            relation_to_head=m.relation_to_head,
        )
        for m in session.exec(stmt.order_by(col(Resident.id)))
    ]


def house_of(*, session: Session, resident: Resident) -> HouseView | None:
    household = session.get(Household, resident.household_id) if resident.household_id else None
    house = session.get(House, household.house_id) if household and household.house_id else None
    if house is None:
        return None
    return HouseView.model_validate(house, from_attributes=True)
