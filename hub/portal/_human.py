"""The submission's page acts: her answer to a robot's question (the CAPTCHA image, hub/human.py),
撤回报送 (hub/withdrawing.py) and 重新报送 of the failed targets (hub/resubmitting.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from hub import human, resubmitting, withdrawing
from hub.deps import (
    PortalSessionDep,
    SessionDep,
    StateDep,
    Worker,
    caller_token,
    community_of,
)
from hub.errors import InvalidInput
from hub.portal._routes import render_submission
from hub.store import get_scoped_submission, human_task_image

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
    submission = get_scoped_submission(
        session=session, submission_id=submission_id, community=community_of(user)
    )
    try:
        await human.answer_task(
            state=state,
            session=session,
            submission=submission,
            task_id=task_id,
            answer=answer,
            username=user.username,
        )
    except InvalidInput as exc:
        return render_submission(
            request,
            submission_id,
            user=user,
            state=state,
            session=session,
            portal=portal,
            task_error=exc.user_message,
        )
    return RedirectResponse(f"/submissions/{submission.id}", status_code=303)


@router.post("/submissions/{submission_id}/withdraw")
async def withdraw(
    request: Request,
    submission_id: str,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
) -> Response:
    submission = get_scoped_submission(
        session=session, submission_id=submission_id, community=community_of(user)
    )
    try:
        await withdrawing.withdraw(state=state, session=session, submission=submission, user=user)
    except InvalidInput as exc:
        return render_submission(
            request,
            submission_id,
            user=user,
            state=state,
            session=session,
            portal=portal,
            page_error=exc.user_message,
        )
    return RedirectResponse(f"/submissions/{submission.id}", status_code=303)


@router.post("/submissions/{submission_id}/resubmit")
async def resubmit(
    request: Request,
    submission_id: str,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
) -> Response:
    submission = get_scoped_submission(
        session=session, submission_id=submission_id, community=community_of(user)
    )
    try:
        await resubmitting.resubmit_failed(
            state=state,
            session=session,
            submission=submission,
            username=user.username,
            subject_token=caller_token(request, state, portal),
        )
    except InvalidInput as exc:
        return render_submission(
            request,
            submission_id,
            user=user,
            state=state,
            session=session,
            portal=portal,
            page_error=exc.user_message,
        )
    return RedirectResponse(f"/submissions/{submission.id}", status_code=303)
