"""Organizations (组织) and vehicles (车辆) of the caller's community: list, register, read,
correct and remove (注销, kept in the history)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlmodel import Session

from hub.deps import SessionDep, Worker, community_of
from hub.store import (
    Organization,
    OrganizationCreate,
    OrganizationUpdate,
    Vehicle,
    VehicleCreate,
    VehicleUpdate,
    add_organization,
    add_vehicle,
    get_scoped_organization,
    get_scoped_resident,
    get_scoped_vehicle,
    organizations_of,
    remove_organization,
    remove_vehicle,
    update_organization,
    update_vehicle,
    vehicles_of,
)

router = APIRouter(prefix="/api", tags=["api"])


class OrganizationPublic(OrganizationCreate):
    id: int


class VehiclePublic(VehicleCreate):
    id: int


@router.get("/organizations")
def get_organizations(user: Worker, session: SessionDep) -> list[OrganizationPublic]:
    """Organizations in the caller's community (社会组织, 企业, 物业…)."""
    rows = organizations_of(session=session, community=community_of(user))
    return [_organization(r) for r in rows]


@router.post("/organizations", status_code=201)
def post_organization(
    body: OrganizationCreate, user: Worker, session: SessionDep
) -> OrganizationPublic:
    """Register an organization of the caller's community."""
    row = add_organization(session=session, data=body, community=community_of(user))
    return _organization(row)


@router.get("/organizations/{organization_id}")
def get_organization(organization_id: int, user: Worker, session: SessionDep) -> OrganizationPublic:
    """One organization of the caller's community."""
    row = get_scoped_organization(
        session=session, organization_id=organization_id, community=community_of(user)
    )
    return _organization(row)


@router.patch("/organizations/{organization_id}")
def patch_organization(
    organization_id: int, body: OrganizationUpdate, user: Worker, session: SessionDep
) -> OrganizationPublic:
    """Correct an organization; only the fields given change, the history keeps who did it."""
    row = get_scoped_organization(
        session=session, organization_id=organization_id, community=community_of(user)
    )
    return _organization(update_organization(session=session, organization=row, data=body))


@router.delete("/organizations/{organization_id}", status_code=204)
def delete_organization(organization_id: int, user: Worker, session: SessionDep) -> Response:
    """注销 an organization; the history keeps what it held and who removed it."""
    row = get_scoped_organization(
        session=session, organization_id=organization_id, community=community_of(user)
    )
    remove_organization(session=session, organization=row)
    return Response(status_code=204)


@router.get("/vehicles")
def get_vehicles(user: Worker, session: SessionDep) -> list[VehiclePublic]:
    """Vehicles registered in the caller's community."""
    rows = vehicles_of(session=session, community=community_of(user))
    return [_vehicle(r) for r in rows]


@router.post("/vehicles", status_code=201)
def post_vehicle(body: VehicleCreate, user: Worker, session: SessionDep) -> VehiclePublic:
    """Register a vehicle; its owner, if given, must be a resident of the caller's community."""
    community = community_of(user)
    _check_owner(session, body.owner_resident_id, community)
    row = add_vehicle(session=session, data=body, community=community)
    return _vehicle(row)


@router.patch("/vehicles/{vehicle_id}")
def patch_vehicle(
    vehicle_id: int, body: VehicleUpdate, user: Worker, session: SessionDep
) -> VehiclePublic:
    """Correct a vehicle's kind or owner (null: no owner); only the fields given change."""
    community = community_of(user)
    row = get_scoped_vehicle(session=session, vehicle_id=vehicle_id, community=community)
    _check_owner(session, body.owner_resident_id, community)
    return _vehicle(update_vehicle(session=session, vehicle=row, data=body))


@router.delete("/vehicles/{vehicle_id}", status_code=204)
def delete_vehicle(vehicle_id: int, user: Worker, session: SessionDep) -> Response:
    """注销 a vehicle; the history keeps what it held and who removed it."""
    row = get_scoped_vehicle(session=session, vehicle_id=vehicle_id, community=community_of(user))
    remove_vehicle(session=session, vehicle=row)
    return Response(status_code=204)


def _check_owner(session: Session, owner_id: int | None, community: str) -> None:
    if owner_id is not None:
        get_scoped_resident(session=session, resident_id=owner_id, community=community)


def _organization(row: Organization) -> OrganizationPublic:
    return OrganizationPublic.model_validate(row, from_attributes=True)


def _vehicle(row: Vehicle) -> VehiclePublic:
    return VehiclePublic.model_validate(row, from_attributes=True)
