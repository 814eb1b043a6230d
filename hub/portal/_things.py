"""Portal pages for the community's organizations (组织): list, register, correct and remove
(注销, kept in the history). Vehicles: hub.portal._vehicles."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from hub.deps import PortalSessionDep, SessionDep, Worker, community_of
from hub.errors import chinese_field_errors
from hub.portal._edit_form import EditForm, Input, edit_page, read_changes, same, typed_values
from hub.portal._render import page
from hub.store import (
    ORGANIZATION_KINDS,
    Organization,
    OrganizationCreate,
    OrganizationUpdate,
    add_organization,
    get_scoped_organization,
    organizations_of,
    remove_organization,
    update_organization,
)

router = APIRouter(include_in_schema=False)


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


def _organization_form(row: Organization) -> EditForm:
    return EditForm(
        title=f"修改组织：{row.name}",
        action=f"/organizations/{row.id}/edit",
        back="/organizations",
        remove_action=f"/organizations/{row.id}/delete",
        inputs=[
            Input("name", "名称", attrs='maxlength="100"'),
            Input("kind", "类型", choices=same(ORGANIZATION_KINDS)),
            Input(
                "credit_code",
                "统一社会信用代码",
                required=False,
                help="18位，选填",
                attrs='maxlength="18" autocapitalize="characters"',
            ),
            Input("address", "地址", required=False, attrs='maxlength="200"'),
        ],
    )


def _organization_values(row: Organization) -> dict[str, str]:
    return {
        "name": row.name,
        "kind": row.kind,
        "credit_code": row.credit_code or "",
        "address": row.address or "",
    }


@router.get("/organizations/{organization_id}/edit")
def edit_organization(
    request: Request,
    organization_id: int,
    user: Worker,
    session: SessionDep,
    portal: PortalSessionDep,
) -> HTMLResponse:
    row = get_scoped_organization(
        session=session, organization_id=organization_id, community=community_of(user)
    )
    return edit_page(request, portal, _organization_form(row), _organization_values(row))


@router.post("/organizations/{organization_id}/edit", response_model=None)
async def save_organization(
    request: Request,
    organization_id: int,
    user: Worker,
    session: SessionDep,
    portal: PortalSessionDep,
) -> Response:
    """Correct an organization; an emptied credit code or address is cleared."""
    row = get_scoped_organization(
        session=session, organization_id=organization_id, community=community_of(user)
    )
    form = _organization_form(row)
    typed = typed_values(await request.form(), form.inputs)
    data, errors = read_changes(
        model=OrganizationUpdate, inputs=form.inputs, typed=typed, current=_organization_values(row)
    )
    if data is None:
        return edit_page(request, portal, form, typed, errors)
    update_organization(session=session, organization=row, data=data)
    return RedirectResponse("/organizations?saved=1", status_code=303)


@router.post("/organizations/{organization_id}/delete")
def delete_organization(
    organization_id: int, user: Worker, session: SessionDep
) -> RedirectResponse:
    """注销 an organization; the history keeps what it held and who removed it."""
    row = get_scoped_organization(
        session=session, organization_id=organization_id, community=community_of(user)
    )
    remove_organization(session=session, organization=row)
    return RedirectResponse("/organizations?removed=1", status_code=303)


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
