"""Portal pages that correct what the store holds about a resident, a household and a house.
Every change lands in the history with the worker who made it (hub.store._history). Events:
hub.portal._events; organizations and vehicles: hub.portal._things and hub.portal._vehicles."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hub.deps import PortalSessionDep, SessionDep, StateDep, Worker, community_of
from hub.errors import InvalidInput
from hub.idcard import validate_mobile
from hub.portal._edit_form import (
    EditForm,
    Input,
    edit_page,
    read_changes,
    same,
    typed_values,
)
from hub.store import (
    HOUSE_USES,
    HOUSEHOLD_TYPES,
    OWNERSHIPS,
    SAFETY_STATUSES,
    HouseholdUpdate,
    HouseUpdate,
    ResidentUpdate,
    get_scoped_house,
    get_scoped_household,
    get_scoped_resident,
    masked_phone,
    resident_name,
    update_house,
    update_household,
    update_resident,
)

router = APIRouter(include_in_schema=False)


# ---- residents ----------------------------------------------------------------------------


def _resident_form(resident_id: int, phone_now: str | None) -> EditForm:
    # Her phone is never put back in the page in clear (only a community admin may see it, on
    # record): the field starts empty, and empty keeps what is registered.
    phone_help = f"现登记 {phone_now}，不修改请留空" if phone_now else "未登记，选填"
    return EditForm(
        title="修改居民信息",
        action=f"/residents/{resident_id}/edit",
        back=f"/residents/{resident_id}",
        inputs=[
            Input("name", "姓名", attrs='maxlength="50" autocomplete="off"'),
            Input(
                "phone",
                "联系电话",
                required=False,
                help=phone_help,
                attrs='type="tel" inputmode="numeric" maxlength="11" autocomplete="off"',
            ),
            Input(
                "relation_to_head", "与户主关系", help="如 户主、配偶、子女", attrs='maxlength="20"'
            ),
        ],
    )


@router.get("/residents/{resident_id}/edit")
def edit_resident(
    request: Request,
    resident_id: int,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
) -> HTMLResponse:
    row = get_scoped_resident(
        session=session, resident_id=resident_id, community=community_of(user)
    )
    form = _resident_form(resident_id, masked_phone(cipher=state.cipher, resident=row))
    values = {
        "name": resident_name(cipher=state.cipher, resident=row),
        "relation_to_head": row.relation_to_head,
    }
    return edit_page(request, portal, form, values)


@router.post("/residents/{resident_id}/edit", response_model=None)
async def save_resident(
    request: Request,
    resident_id: int,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
) -> Response:
    """Correct her name, phone or relation to the head; a mistake keeps what she typed."""
    row = get_scoped_resident(
        session=session, resident_id=resident_id, community=community_of(user)
    )
    form = _resident_form(resident_id, masked_phone(cipher=state.cipher, resident=row))
    typed = typed_values(await request.form(), form.inputs)
    current = {
        "name": resident_name(cipher=state.cipher, resident=row),
        "relation_to_head": row.relation_to_head,
    }
    data, errors = read_changes(
        model=ResidentUpdate, inputs=form.inputs, typed=typed, current=current
    )
    if typed["phone"]:
        try:
            validate_mobile(typed["phone"])
        except InvalidInput as exc:
            errors["phone"] = exc.user_message
    if data is None or errors:
        return edit_page(request, portal, form, typed, errors)
    if data.model_fields_set:
        update_resident(session=session, cipher=state.cipher, resident=row, data=data)
    return RedirectResponse(f"/residents/{resident_id}?saved=1", status_code=303)


# ---- households and houses ----------------------------------------------------------------


def _household_form(household_id: int) -> EditForm:
    return EditForm(
        title="修改本户信息",
        action=f"/households/{household_id}/edit",
        back=f"/households/{household_id}",
        inputs=[
            Input("address", "地址", attrs='maxlength="200"'),
            Input("household_type", "户类型", choices=same(HOUSEHOLD_TYPES)),
        ],
    )


@router.get("/households/{household_id}/edit")
def edit_household(
    request: Request,
    household_id: int,
    user: Worker,
    session: SessionDep,
    portal: PortalSessionDep,
) -> HTMLResponse:
    row = get_scoped_household(
        session=session, household_id=household_id, community=community_of(user)
    )
    values = {"address": row.address, "household_type": row.household_type}
    return edit_page(request, portal, _household_form(household_id), values)


@router.post("/households/{household_id}/edit", response_model=None)
async def save_household(
    request: Request,
    household_id: int,
    user: Worker,
    session: SessionDep,
    portal: PortalSessionDep,
) -> Response:
    row = get_scoped_household(
        session=session, household_id=household_id, community=community_of(user)
    )
    form = _household_form(household_id)
    typed = typed_values(await request.form(), form.inputs)
    current = {"address": row.address, "household_type": row.household_type}
    data, errors = read_changes(
        model=HouseholdUpdate, inputs=form.inputs, typed=typed, current=current
    )
    if data is None:
        return edit_page(request, portal, form, typed, errors)
    update_household(session=session, household=row, data=data)
    return RedirectResponse(f"/households/{household_id}?saved=1", status_code=303)


def _house_form(house_id: int, where: str) -> EditForm:
    return EditForm(
        title=f"修改房屋信息：{where}",
        action=f"/houses/{house_id}/edit",
        back=f"/houses/{house_id}",
        inputs=[
            Input("use", "用途", choices=same(HOUSE_USES)),
            Input("ownership", "产权", choices=same(OWNERSHIPS)),
            Input("safety_status", "安全状况", choices=same(SAFETY_STATUSES)),
        ],
    )


@router.get("/houses/{house_id}/edit")
def edit_house(
    request: Request,
    house_id: int,
    user: Worker,
    session: SessionDep,
    portal: PortalSessionDep,
) -> HTMLResponse:
    row = get_scoped_house(session=session, house_id=house_id, community=community_of(user))
    form = _house_form(house_id, f"{row.building}{row.unit}{row.room}")
    values = {"use": row.use, "ownership": row.ownership, "safety_status": row.safety_status}
    return edit_page(request, portal, form, values)


@router.post("/houses/{house_id}/edit", response_model=None)
async def save_house(
    request: Request,
    house_id: int,
    user: Worker,
    session: SessionDep,
    portal: PortalSessionDep,
) -> Response:
    row = get_scoped_house(session=session, house_id=house_id, community=community_of(user))
    form = _house_form(house_id, f"{row.building}{row.unit}{row.room}")
    typed = typed_values(await request.form(), form.inputs)
    current = {"use": row.use, "ownership": row.ownership, "safety_status": row.safety_status}
    data, errors = read_changes(model=HouseUpdate, inputs=form.inputs, typed=typed, current=current)
    if data is None:
        return edit_page(request, portal, form, typed, errors)
    update_house(session=session, house=row, data=data)
    return RedirectResponse(f"/houses/{house_id}?saved=1", status_code=303)
