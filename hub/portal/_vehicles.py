"""Portal pages for the community's vehicles (车辆): list, register, correct and remove (注销,
kept in the history). Owners are found by full name or ID number among her residents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from hub.crypto import FieldCipher
from hub.deps import PortalSessionDep, SessionDep, StateDep, Worker, community_of
from hub.errors import InvalidInput, chinese_field_errors
from hub.idcard import mask_name
from hub.portal._edit_form import EditForm, Input, edit_page, read_changes, same, typed_values
from hub.portal._render import page
from hub.store import (
    Resident,
    Vehicle,
    VehicleCreate,
    VehicleUpdate,
    add_vehicle,
    get_scoped_vehicle,
    remove_vehicle,
    resident_name,
    search_residents,
    update_vehicle,
    vehicles_of,
)

router = APIRouter(include_in_schema=False)

VEHICLE_KINDS = ("小型汽车", "新能源小型汽车", "摩托车", "电动自行车", "货车", "其他")


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
        owner_id, problem = _find_owner(session, state.cipher, community, owner.strip())
        if problem:
            errors["owner"] = problem
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


def _vehicle_form(row: Vehicle, owner_now: str | None) -> EditForm:
    owner_help = f"现车主 {owner_now}。" if owner_now else "未登记车主。"
    return EditForm(
        title=f"修改车辆：{row.plate_no}",
        action=f"/vehicles/{row.id}/edit",
        back="/vehicles",
        remove_action=f"/vehicles/{row.id}/delete",
        inputs=[
            Input("kind", "类型", choices=same(VEHICLE_KINDS)),
            Input(
                "owner",
                "车主",
                required=False,
                help=owner_help + "更换车主请填写本社区居民的姓名或身份证号，不更换请留空",
                attrs='maxlength="40" autocomplete="off"',
            ),
        ],
    )


@router.get("/vehicles/{vehicle_id}/edit")
def edit_vehicle(
    request: Request,
    vehicle_id: int,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
) -> HTMLResponse:
    row = get_scoped_vehicle(session=session, vehicle_id=vehicle_id, community=community_of(user))
    form = _vehicle_form(row, _owner_now(session, state.cipher, row))
    return edit_page(request, portal, form, {"kind": row.kind})


@router.post("/vehicles/{vehicle_id}/edit", response_model=None)
async def save_vehicle(
    request: Request,
    vehicle_id: int,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
) -> Response:
    """Correct a vehicle's kind, or give it a new owner found by name or ID number."""
    community = community_of(user)
    row = get_scoped_vehicle(session=session, vehicle_id=vehicle_id, community=community)
    form = _vehicle_form(row, _owner_now(session, state.cipher, row))
    typed = typed_values(await request.form(), form.inputs)
    owner: dict[str, object] = {}
    problem = ""
    if typed["owner"]:
        owner_id, problem = _find_owner(session, state.cipher, community, typed["owner"])
        owner = {} if problem else {"owner_resident_id": owner_id}
    data, errors = read_changes(
        model=VehicleUpdate,
        inputs=[i for i in form.inputs if i.name == "kind"],  # the owner is looked up above
        typed=typed,
        current={"kind": row.kind},
        also=owner,
    )
    if problem:
        errors["owner"] = problem
    if data is None or errors:
        return edit_page(request, portal, form, typed, errors)
    update_vehicle(session=session, vehicle=row, data=data)
    return RedirectResponse("/vehicles?saved=1", status_code=303)


@router.post("/vehicles/{vehicle_id}/delete")
def delete_vehicle(vehicle_id: int, user: Worker, session: SessionDep) -> RedirectResponse:
    """注销 a vehicle; the history keeps its plate, owner and who removed it."""
    row = get_scoped_vehicle(session=session, vehicle_id=vehicle_id, community=community_of(user))
    remove_vehicle(session=session, vehicle=row)
    return RedirectResponse("/vehicles?removed=1", status_code=303)


def _find_owner(
    session: Session, cipher: FieldCipher, community: str, query: str
) -> tuple[int | None, str]:
    """The one resident of her community a full name or ID number names, or why there is none."""
    found = search_residents(session=session, cipher=cipher, community=community, query=query)
    if not found:
        return None, "本社区没有找到这位居民，请填写姓名或完整身份证号"
    if len(found) > 1:
        return None, f"找到{len(found)}位居民，请填写完整身份证号以确定车主"
    return found[0].id, ""


def _owner_now(session: Session, cipher: FieldCipher, row: Vehicle) -> str | None:
    owner = session.get(Resident, row.owner_resident_id) if row.owner_resident_id else None
    return mask_name(resident_name(cipher=cipher, resident=owner)) if owner else None


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
