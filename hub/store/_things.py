"""Organizations (组织) and vehicles (车) of a community."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, field_validator
from sqlmodel import Session, col, select

from hub.errors import InvalidInput, NotFound
from hub.store._models_daily import Organization, Vehicle
from hub.store._patch import NOT_NULL, apply_patch

ORGANIZATION_KINDS = ("社会组织", "企业", "个体工商户", "物业", "学校", "医疗机构", "其他")
# Province abbreviation, city letter, then 5 (fuel) or 6 (new energy) letters/digits, no I or O.
_PLATE = re.compile(
    r"^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][A-HJ-NP-Z0-9]{5,6}$"
)
# 统一社会信用代码: 18 characters from digits and capitals without I, O, S, V, Z.
_CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")


def _kind(value: str) -> str:
    if value not in ORGANIZATION_KINDS:
        raise ValueError(f"组织类型应为：{'、'.join(ORGANIZATION_KINDS)}")
    return value


def _credit_code(value: str) -> str:
    code = value.strip().upper()
    if not _CREDIT_CODE.match(code):
        raise ValueError("统一社会信用代码应为18位数字或大写字母")
    return code


#: Checked the same way when an organization is registered and when it is corrected.
OrganizationKind = Annotated[str, AfterValidator(_kind)]
CreditCode = Annotated[str, AfterValidator(_credit_code)]


class OrganizationCreate(BaseModel):
    name: str = Field(min_length=2, max_length=100)
    kind: OrganizationKind
    credit_code: CreditCode | None = None
    address: str | None = Field(default=None, max_length=200)


class OrganizationUpdate(BaseModel):
    """Only the fields given change; credit code and address may be cleared with null."""

    name: Annotated[str | None, NOT_NULL] = Field(default=None, min_length=2, max_length=100)
    kind: Annotated[OrganizationKind | None, NOT_NULL] = None
    credit_code: CreditCode | None = None
    address: str | None = Field(default=None, max_length=200)


class VehicleCreate(BaseModel):
    plate_no: str
    kind: str = Field(default="小型汽车", max_length=20)
    owner_resident_id: int | None = None

    @field_validator("plate_no")
    @classmethod
    def _plate(cls, value: str) -> str:
        plate = value.replace(" ", "").replace("·", "").upper()
        if not _PLATE.match(plate):
            raise ValueError("车牌号格式应如 苏B12345 或新能源 苏BD12345")
        return plate


class VehicleUpdate(BaseModel):
    """Only the fields given change; a null owner means the vehicle has none (any more)."""

    kind: Annotated[str | None, NOT_NULL] = Field(default=None, min_length=1, max_length=20)
    owner_resident_id: int | None = None


def add_organization(*, session: Session, data: OrganizationCreate, community: str) -> Organization:
    row = Organization(community_code=community, **data.model_dump())
    session.add(row)
    session.flush()
    return row


def organizations_of(*, session: Session, community: str) -> list[Organization]:
    stmt = select(Organization).where(Organization.community_code == community)
    return list(session.exec(stmt.order_by(col(Organization.id))))


def get_scoped_organization(
    *, session: Session, organization_id: int, community: str
) -> Organization:
    row = session.get(Organization, organization_id)
    if row is None or row.community_code != community:
        raise NotFound(f"organization {organization_id} not in scope")
    return row


def update_organization(
    *, session: Session, organization: Organization, data: OrganizationUpdate
) -> Organization:
    """Correct an organization; the history records who changed what."""
    apply_patch(organization, data)
    session.add(organization)
    session.flush()
    return organization


def remove_organization(*, session: Session, organization: Organization) -> None:
    """注销: the row goes; the history keeps what it held and who removed it."""
    session.delete(organization)
    session.flush()


def add_vehicle(*, session: Session, data: VehicleCreate, community: str) -> Vehicle:
    """Register a vehicle; a plate already registered in the community is refused, not doubled."""
    taken = session.exec(
        select(Vehicle).where(
            Vehicle.community_code == community, Vehicle.plate_no == data.plate_no
        )
    ).first()
    if taken is not None:
        raise InvalidInput(
            "plate already registered", field_errors={"plate_no": "该车牌已在本社区登记"}
        )
    row = Vehicle(community_code=community, **data.model_dump())
    session.add(row)
    session.flush()
    return row


def vehicles_of(*, session: Session, community: str) -> list[Vehicle]:
    stmt = select(Vehicle).where(Vehicle.community_code == community)
    return list(session.exec(stmt.order_by(col(Vehicle.id))))


def vehicles_owned_by(*, session: Session, resident_id: int) -> list[Vehicle]:
    stmt = select(Vehicle).where(Vehicle.owner_resident_id == resident_id)
    return list(session.exec(stmt.order_by(col(Vehicle.id))))


def get_scoped_vehicle(*, session: Session, vehicle_id: int, community: str) -> Vehicle:
    row = session.get(Vehicle, vehicle_id)
    if row is None or row.community_code != community:
        raise NotFound(f"vehicle {vehicle_id} not in scope")
    return row


def update_vehicle(*, session: Session, vehicle: Vehicle, data: VehicleUpdate) -> Vehicle:
    """Correct a vehicle's kind or owner (callers check the owner is in their community)."""
    apply_patch(vehicle, data)
    session.add(vehicle)
    session.flush()
    return vehicle


def remove_vehicle(*, session: Session, vehicle: Vehicle) -> None:
    """注销: the row goes; the history keeps what it held and who removed it."""
    session.delete(vehicle)
    session.flush()
