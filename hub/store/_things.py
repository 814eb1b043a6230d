"""Organizations (组织) and vehicles (车) of a community."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field, field_validator
from sqlmodel import Session, col, select

from hub.errors import InvalidInput
from hub.store._models_daily import Organization, Vehicle

ORGANIZATION_KINDS = ("社会组织", "企业", "个体工商户", "物业", "学校", "医疗机构", "其他")
# Province abbreviation, city letter, then 5 (fuel) or 6 (new energy) letters/digits, no I or O.
_PLATE = re.compile(
    r"^[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][A-HJ-NP-Z0-9]{5,6}$"
)
# 统一社会信用代码: 18 characters from digits and capitals without I, O, S, V, Z.
_CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")


class OrganizationCreate(BaseModel):
    name: str = Field(min_length=2, max_length=100)
    kind: str
    credit_code: str | None = None
    address: str | None = Field(default=None, max_length=200)

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value not in ORGANIZATION_KINDS:
            raise ValueError(f"组织类型应为：{'、'.join(ORGANIZATION_KINDS)}")
        return value

    @field_validator("credit_code")
    @classmethod
    def _credit(cls, value: str | None) -> str | None:
        if value is not None and not _CREDIT_CODE.match(value.strip().upper()):
            raise ValueError("统一社会信用代码应为18位数字或大写字母")
        return value.strip().upper() if value else None


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


def add_organization(*, session: Session, data: OrganizationCreate, community: str) -> Organization:
    row = Organization(community_code=community, **data.model_dump())
    session.add(row)
    session.flush()
    return row


def organizations_of(*, session: Session, community: str) -> list[Organization]:
    stmt = select(Organization).where(Organization.community_code == community)
    return list(session.exec(stmt.order_by(col(Organization.id))))


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
