"""Houses (房) and households (户): where residents live and who lives with whom."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, field_validator
from sqlmodel import Session, col, select

from hub.crypto import FieldCipher
from hub.errors import NotFound
from hub.idcard import mask_name
from hub.store._models import House, Household, Resident
from hub.store._patch import NOT_NULL, apply_patch
from hub.store._residents import resident_name
from hub.store._timeline import TimelineEntry, timeline_of

#: The words a household's type and a house's use, ownership and safety status are kept in.
HOUSEHOLD_TYPES = ("家庭户", "集体户")
HOUSE_USES = ("住宅", "商业", "办公", "其他")
OWNERSHIPS = ("自有", "租赁", "公房", "其他")
SAFETY_STATUSES = ("安全", "一般隐患", "C级危房", "D级危房")


class HouseholdMember(BaseModel):
    resident_id: int
    name_masked: str
    relation_to_head: str


class HouseView(BaseModel):
    id: int
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
    return _members(session, cipher, [resident.household_id])


def house_of(*, session: Session, resident: Resident) -> HouseView | None:
    household = session.get(Household, resident.household_id) if resident.household_id else None
    house = session.get(House, household.house_id) if household and household.house_id else None
    if house is None:
        return None
    return HouseView.model_validate(house, from_attributes=True)


class HouseholdDetail(BaseModel):
    id: int
    address: str
    household_type: str
    house: HouseView | None
    members: list[HouseholdMember]
    timeline: list[TimelineEntry]


class HouseDetail(HouseView):
    households: list[int]
    residents: list[HouseholdMember]
    timeline: list[TimelineEntry]


class HouseholdUpdate(BaseModel):
    """A correction of a household: only the fields given change."""

    address: Annotated[str | None, NOT_NULL] = Field(default=None, min_length=2, max_length=200)
    household_type: Annotated[str | None, NOT_NULL] = None

    @field_validator("household_type")
    @classmethod
    def _type(cls, value: str | None) -> str | None:
        return _one_of(value, HOUSEHOLD_TYPES, "户类型")


class HouseUpdate(BaseModel):
    """A correction of a house (e.g. after a safety inspection): only the fields given change."""

    use: Annotated[str | None, NOT_NULL] = None
    ownership: Annotated[str | None, NOT_NULL] = None
    safety_status: Annotated[str | None, NOT_NULL] = None

    @field_validator("use")
    @classmethod
    def _use(cls, value: str | None) -> str | None:
        return _one_of(value, HOUSE_USES, "房屋用途")

    @field_validator("ownership")
    @classmethod
    def _ownership(cls, value: str | None) -> str | None:
        return _one_of(value, OWNERSHIPS, "产权")

    @field_validator("safety_status")
    @classmethod
    def _safety(cls, value: str | None) -> str | None:
        return _one_of(value, SAFETY_STATUSES, "安全状况")


def _one_of(value: str | None, allowed: tuple[str, ...], what: str) -> str | None:
    if value is not None and value not in allowed:
        raise ValueError(f"{what}应为：{'、'.join(allowed)}")
    return value


def update_household(*, session: Session, household: Household, data: HouseholdUpdate) -> Household:
    """Correct a household's address or type; the history records who did it."""
    apply_patch(household, data)
    session.add(household)
    session.flush()
    return household


def update_house(*, session: Session, house: House, data: HouseUpdate) -> House:
    """Correct a house's use, ownership or safety status; the history records who did it."""
    apply_patch(house, data)
    session.add(house)
    session.flush()
    return house


def get_scoped_household(*, session: Session, household_id: int, community: str) -> Household:
    household = session.get(Household, household_id)
    if household is None or household.community_code != community:
        raise NotFound(f"household {household_id} not in scope")
    return household


def get_scoped_house(*, session: Session, house_id: int, community: str) -> House:
    house = session.get(House, house_id)
    if house is None or house.community_code != community:
        raise NotFound(f"house {house_id} not in scope")
    return house


def household_detail(
    *, session: Session, cipher: FieldCipher, household: Household
) -> HouseholdDetail:
    members = _members(session, cipher, [household.id or 0])
    house = session.get(House, household.house_id) if household.house_id else None
    return HouseholdDetail(
        id=household.id or 0,
        address=household.address,
        household_type=household.household_type,
        house=HouseView.model_validate(house, from_attributes=True) if house else None,
        members=members,
        timeline=timeline_of(
            session=session,
            resident_ids=[m.resident_id for m in members],
            household_ids=[household.id or 0],
        ),
    )


def house_detail(*, session: Session, cipher: FieldCipher, house: House) -> HouseDetail:
    households = list(session.exec(select(Household.id).where(Household.house_id == house.id)))
    ids = [h for h in households if h is not None]
    residents = _members(session, cipher, ids)
    return HouseDetail(
        **HouseView.model_validate(house, from_attributes=True).model_dump(),
        households=ids,
        residents=residents,
        timeline=timeline_of(
            session=session,
            resident_ids=[m.resident_id for m in residents],
            household_ids=ids,
            house_ids=[house.id or 0],
        ),
    )


def _members(
    session: Session, cipher: FieldCipher, household_ids: list[int]
) -> list[HouseholdMember]:
    stmt = select(Resident).where(col(Resident.household_id).in_(household_ids))
    return [
        HouseholdMember(
            resident_id=m.id or 0,
            name_masked=mask_name(resident_name(cipher=cipher, resident=m)),
            relation_to_head=m.relation_to_head,
        )
        for m in session.exec(stmt.order_by(col(Resident.id)))
    ]
