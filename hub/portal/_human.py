"""The submission's page acts: her answer to a robot's question (the CAPTCHA image, hub/human.py),
撤回报送 (hub/withdrawing.py), 重新报送 of the failed targets (hub/resubmitting.py), and saving
the new facts she typed to the store (hub/forms/_writeback.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from hub import human, resubmitting, withdrawing
from hub._state import HubState
from hub.deps import (
    PortalSessionDep,
    SessionDep,
    StateDep,
    Worker,
    caller_token,
    community_of,
)
from hub.errors import InvalidInput
from hub.forms import form_version
from hub.forms._writeback import save_facts
from hub.portal._routes import render_submission
from hub.store import (
    Submission,
    get_scoped_resident,
    get_scoped_submission,
    human_task_image,
    resident_facts,
    submission_data,
)
from identity import Principal

router = APIRouter(include_in_schema=False)


@router.get("/submissions/{submission_id}/tasks/{task_id}/image")
def task_image(
    submission_id: str, task_id: str, user: Worker, state: StateDep, session: SessionDep
) -> Response:
    get_scoped_submission(
        session=session, submission_id=submission_id, community=community_of(user)
    )
    image, content_type = human_task_image(
        session=session, cipher=state.cipher, task_id=task_id, community=community_of(user)
    )
    return Response(image, media_type=content_type, headers={"Cache-Control": "no-store"})


@router.post("/submissions/{submission_id}/tasks/{task_id}")
async def answer(
    request: Request,
    submission_id: str,
    task_id: str,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
    answer: Annotated[str, Form()] = "",  # empty: refused below in Chinese, not with a 422
) -> Response:
    async def act(submission: Submission) -> None:
        await human.answer_task(
            state=state,
            session=session,
            submission=submission,
            task_id=task_id,
            answer=answer,
            username=user.username,
        )

    return await _act(request, submission_id, act, user, state, session, portal, on_task=True)


@router.post("/submissions/{submission_id}/withdraw")
async def withdraw(
    request: Request,
    submission_id: str,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
) -> Response:
    async def act(submission: Submission) -> None:
        await withdrawing.withdraw(state=state, session=session, submission=submission, user=user)

    return await _act(request, submission_id, act, user, state, session, portal)


@router.post("/submissions/{submission_id}/resubmit")
async def resubmit(
    request: Request,
    submission_id: str,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
) -> Response:
    async def act(submission: Submission) -> None:
        await resubmitting.resubmit_failed(
            state=state,
            session=session,
            submission=submission,
            username=user.username,
            subject_token=caller_token(request, state, portal),
        )

    return await _act(request, submission_id, act, user, state, session, portal)


@router.post("/submissions/{submission_id}/facts")
async def save_new_facts(
    request: Request,
    submission_id: str,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
    fields: Annotated[list[str] | None, Form()] = None,
) -> Response:
    async def act(submission: Submission) -> None:
        if submission.created_by != user.username:
            raise InvalidInput("not hers", user_message="只有提交人可以保存她填写的信息")
        row = get_scoped_resident(
            session=session, resident_id=submission.resident_id, community=community_of(user)
        )
        save_facts(
            session=session,
            cipher=state.cipher,
            resident=row,
            template=form_version(session, submission.form_id, submission.form_version),
            facts=resident_facts(session=session, cipher=state.cipher, resident=row),
            values=submission_data(cipher=state.cipher, submission=submission),
            chosen=fields or [],
        )

    return await _act(request, submission_id, act, user, state, session, portal)


async def _act(
    request: Request,
    submission_id: str,
    act: Callable[[Submission], Awaitable[None]],
    user: Principal,
    state: HubState,
    session: Session,
    portal: Any,
    *,
    on_task: bool = False,
) -> Response:
    """Do one of the page's acts on her community's submission; back to its page, or the page
    again with why it was refused (beside the question, for an answer; at the top otherwise)."""
    submission = get_scoped_submission(
        session=session, submission_id=submission_id, community=community_of(user)
    )
    try:
        await act(submission)
    except InvalidInput as exc:
        where = "task_error" if on_task else "page_error"
        return render_submission(
            request,
            submission_id,
            user=user,
            state=state,
            session=session,
            portal=portal,
            **{where: exc.user_message},
        )
    return RedirectResponse(f"/submissions/{submission.id}", status_code=303)
