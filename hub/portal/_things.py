"""Portal pages for the community's organizations (组织) and vehicles (车辆): list and register."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from hub.deps import PortalSessionDep, SessionDep, StateDep, Worker, community_of
from hub.errors import InvalidInput, chinese_field_errors
from hub.idcard import mask_name
from hub.portal._render import page
from hub.store import (
    ORGANIZATION_KINDS,
    OrganizationCreate,
    Resident,
    VehicleCreate,
    add_organization,
    add_vehicle,
    organizations_of,
    resident_name,
    search_residents,
    vehicles_of,
)

router = APIRouter(include_in_schema=False)

VEHICLE_KINDS = ("小型汽车", "新能源小型汽车", "摩托车", "电动自行车", "货车", "其他")


@router.get("/organizations")
def organizations(
    request: Request, user: Worker, session: SessionDep, portal: PortalSessionDep
) -> HTMLResponse:
    return _organizations_page(request, portal, session, community_of(user))


@router.post("/organizations", response_model=None)
def register_organization(
    request: Request,
    user: Worker,
    session: SessionDep,
    portal: PortalSessionDep,
    name: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    credit_code: Annotated[str, Form()] = "",
    address: Annotated[str, Form()] = "",
) -> Response:
    """Register an organization; a mistake shows the page again with what she typed kept."""
    community = community_of(user)
    values = {"name": name, "kind": kind, "credit_code": credit_code, "address": address}
    try:
        data = OrganizationCreate(
            name=name.strip(),
            kind=kind,
            credit_code=credit_code.strip() or None,
            address=address.strip() or None,
        )
    except ValidationError as exc:
        errors = chinese_field_errors(exc.errors())
        return _organizations_page(request, portal, session, community, values, errors)
    add_organization(session=session, data=data, community=community)
    return RedirectResponse("/organizations?added=1", status_code=303)


@router.get("/vehicles")
def vehicles(
    request: Request, user: Worker, state: StateDep, session: SessionDep, portal: PortalSessionDep
) -> HTMLResponse:
    return _vehicles_page(request, portal, state, session, community_of(user))


@router.post("/vehicles", response_model=None)
def register_vehicle(
    request: Request,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
    plate_no: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    owner: Annotated[str, Form()] = "",
) -> Response:
    """Register a vehicle; the owner is found by full name or ID number among her residents."""
    community = community_of(user)
    values = {"plate_no": plate_no, "kind": kind, "owner": owner}
    errors: dict[str, str] = {}
    owner_id = None
    if owner.strip():
        found = search_residents(
            session=session, cipher=state.cipher, community=community, query=owner.strip()
        )
        if not found:
            errors["owner"] = "本社区没有找到这位居民，请填写姓名或完整身份证号"
        elif len(found) > 1:
            errors["owner"] = f"找到{len(found)}位居民，请填写完整身份证号以确定车主"
        else:
            owner_id = found[0].id
    try:
        data = VehicleCreate(plate_no=plate_no, kind=kind or "小型汽车", owner_resident_id=owner_id)
    except ValidationError as exc:
        errors = {**chinese_field_errors(exc.errors()), **errors}
    if errors:
        return _vehicles_page(request, portal, state, session, community, values, errors)
    try:
        add_vehicle(session=session, data=data, community=community)
    except InvalidInput as exc:
        errors = exc.field_errors or {"plate_no": exc.user_message}
        return _vehicles_page(request, portal, state, session, community, values, errors)
    return RedirectResponse("/vehicles?added=1", status_code=303)


def _organizations_page(
    request: Request,
    portal: PortalSessionDep,
    session: SessionDep,
    community: str,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    return page(
        request,
        "organizations.html",
        portal,
        status_code=422 if errors else 200,
        organizations=organizations_of(session=session, community=community),
        kinds=ORGANIZATION_KINDS,
        values=values or {},
        errors=errors or {},
        added=request.query_params.get("added") == "1",
    )


def _vehicles_page(
    request: Request,
    portal: PortalSessionDep,
    state: StateDep,
    session: SessionDep,
    community: str,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    rows = vehicles_of(session=session, community=community)
    owners: dict[int, str] = {}
    for row in rows:
        if row.owner_resident_id is not None and row.owner_resident_id not in owners:
            resident = session.get(Resident, row.owner_resident_id)
            if resident is not None:
                name = resident_name(cipher=state.cipher, resident=resident)
                owners[row.owner_resident_id] = mask_name(name)
    return page(
        request,
        "vehicles.html",
        portal,
        status_code=422 if errors else 200,
        vehicles=rows,
        owners=owners,
        kinds=VEHICLE_KINDS,
        values=values or {},
        errors=errors or {},
        added=request.query_params.get("added") == "1",
    )
