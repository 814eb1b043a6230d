"""Events on a timeline (走访, 投诉, 服务, 活动): correct one, or mark it 已办结 or reopen it
straight from the timeline. Every change lands in the history (hers, if it is about her)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from hub.clock import beijing_today
from hub.deps import PortalSessionDep, SessionDep, Worker, community_of
from hub.errors import InvalidInput, chinese_field_errors
from hub.portal._edit_form import EditForm, Input, edit_page, read_changes, typed_values
from hub.store import (
    EVENT_KINDS,
    EVENT_STATUSES,
    CommunityEvent,
    EventUpdate,
    get_scoped_event,
    update_event,
)

router = APIRouter(include_in_schema=False)

#: The pages a timeline is shown on; the only places an event form returns to.
_BACK = re.compile(r"/(residents|households|houses)/[0-9]+")


def _back_to(event: CommunityEvent, asked: str) -> str:
    """The page she came from, if it is a timeline page; otherwise the page the event is about.
    Never an address from elsewhere (no open redirect)."""
    if _BACK.fullmatch(asked):
        return asked
    for prefix, key in (
        ("/residents", event.resident_id),
        ("/households", event.household_id),
        ("/houses", event.house_id),
    ):
        if key is not None:
            return f"{prefix}/{key}"
    return "/residents"


def _event_form(event: CommunityEvent, back: str) -> EditForm:
    today = beijing_today().isoformat()
    return EditForm(
        title=f"修改{EVENT_KINDS.get(event.kind, '事件')}记录",
        action=f"/events/{event.id}/edit",
        back=f"{back}#timeline",
        hidden={"back": back},
        inputs=[
            Input("title", "事项", attrs='maxlength="100"'),
            Input(
                "detail",
                "情况说明",
                required=False,
                textarea=True,
                cleared="",
                attrs='maxlength="2000"',
            ),
            Input("occurred_on", "日期", attrs=f'type="date" max="{today}"'),
            Input("status", "办理状态", choices=EVENT_STATUSES),
        ],
    )


def _event_values(event: CommunityEvent) -> dict[str, str]:
    return {
        "title": event.title,
        "detail": event.detail,
        "occurred_on": event.occurred_on.isoformat(),
        "status": event.status,
    }


@router.get("/events/{event_id}/edit")
def edit_event(
    request: Request,
    event_id: int,
    user: Worker,
    session: SessionDep,
    portal: PortalSessionDep,
    back: str = "",
) -> HTMLResponse:
    event = get_scoped_event(session=session, event_id=event_id, community=community_of(user))
    form = _event_form(event, _back_to(event, back))
    return edit_page(request, portal, form, _event_values(event))


@router.post("/events/{event_id}/edit", response_model=None)
async def save_event(
    request: Request,
    event_id: int,
    user: Worker,
    session: SessionDep,
    portal: PortalSessionDep,
) -> Response:
    """Correct an event's title, detail or date, or close/reopen it."""
    event = get_scoped_event(session=session, event_id=event_id, community=community_of(user))
    form_data = await request.form()
    back = _back_to(event, str(form_data.get("back", "")))
    form = _event_form(event, back)
    typed = typed_values(form_data, form.inputs)
    data, errors = read_changes(
        model=EventUpdate, inputs=form.inputs, typed=typed, current=_event_values(event)
    )
    if data is None:
        return edit_page(request, portal, form, typed, errors)
    try:
        update_event(session=session, event=event, data=data)
    except InvalidInput as exc:
        message = "" if exc.field_errors else exc.user_message
        return edit_page(request, portal, form, typed, exc.field_errors, message)
    return RedirectResponse(f"{back}?saved=1#timeline", status_code=303)


@router.post("/events/{event_id}/status")
def set_event_status(
    event_id: int,
    user: Worker,
    session: SessionDep,
    status: Annotated[str, Form()],
    back: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """办结 or reopen an event straight from the timeline."""
    event = get_scoped_event(session=session, event_id=event_id, community=community_of(user))
    try:
        data = EventUpdate(status=status)
    except ValidationError as exc:
        errors = chinese_field_errors(exc.errors())
        raise InvalidInput("event status", user_message=errors["status"]) from None
    update_event(session=session, event=event, data=data)
    return RedirectResponse(f"{_back_to(event, back)}#timeline", status_code=303)
