"""继续报送: the submitter confirms who she is again, so a robot can go on as her at a system that
trusts Keycloak after the token exchanged for her at submit time has expired (hub/delegation.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlmodel import select

from hub import delegation
from hub.auth import COOKIE, close_session
from hub.deps import PortalSessionDep, SessionDep, StateDep, Worker, caller_token, community_of
from hub.errors import CredentialsRejected, Forbidden, NotFound
from hub.store import Delivery, get_scoped_submission

router = APIRouter(include_in_schema=False)


@router.post("/submissions/{submission_id}/relogin/{target}")
async def continue_delivery(
    request: Request,
    submission_id: str,
    target: str,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    portal: PortalSessionDep,
) -> RedirectResponse:
    """Exchange her current token for the target's and let the waiting delivery go on.

    Only the worker who submitted may: the robot files as her, and as nobody else. When Keycloak
    refuses her token (her single sign-on session has ended) she is sent to log in, and comes back
    to this submission to press the button again.
    """
    submission = get_scoped_submission(
        session=session, submission_id=submission_id, community=community_of(user)
    )
    if target not in delegation.sso_targets(state, submission):
        raise NotFound(f"{target} is not a single-sign-on target of this submission")
    if submission.created_by != user.username:
        raise Forbidden(
            "not the submitter", user_message="只有提交人本人可以确认身份，由系统以她的名义继续报送"
        )
    back = f"/submissions/{submission.id}"
    delivery = session.exec(
        select(Delivery).where(Delivery.submission_id == submission.id, Delivery.target == target)
    ).first()
    if delivery is None or delivery.status != "needs_login":
        return RedirectResponse(back, status_code=303)  # nothing waits for her (a second tap)
    try:
        await delegation.renew(
            state=state,
            session=session,
            submission=submission,
            target=target,
            subject_token=caller_token(request, state, portal),
        )
    except CredentialsRejected:
        cookie = request.cookies.get(COOKIE)
        if cookie:
            close_session(session=session, cipher=state.cipher, cookie=cookie)
        response = RedirectResponse(f"/auth/login?next={back}", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response
    return RedirectResponse(back, status_code=303)
