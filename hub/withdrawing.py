"""撤回报送: she withdraws a submission while it is being delivered.

The submission's workflow is cancelled; each delivery not yet filed stops (the robot learns it
through its heartbeats and closes its browser context) and is marked 已撤回; one already filed keeps
its receipt, because the target has it. Withdrawing does not take back what a target received.
"""

from __future__ import annotations

from sqlmodel import Session
from temporalio.service import RPCError, RPCStatusCode

from hub._state import HubState
from hub.errors import Forbidden, InvalidInput, TargetUnavailable
from hub.store import Submission, audit, view_submission
from hub.submitting import workflow_id
from identity import Principal

#: Who may withdraw besides the submitter: her community's administrator.
WITHDRAWERS = frozenset({"community_admin"})


async def withdraw(
    *, state: HubState, session: Session, submission: Submission, user: Principal
) -> None:
    if submission.created_by != user.username and not user.roles & WITHDRAWERS:
        raise Forbidden("not the submitter", user_message="只有提交人或社区管理员可以撤回报送")
    if view_submission(session=session, submission=submission).status != "in_progress":
        raise InvalidInput("nothing in progress", user_message="报送已结束，无法撤回")
    if state.temporal is None:
        raise TargetUnavailable("temporal client not connected")
    try:
        await state.temporal.get_workflow_handle(workflow_id(submission.id)).cancel()
    except RPCError as err:
        if err.status != RPCStatusCode.NOT_FOUND:
            raise TargetUnavailable(f"cancel: {err.status}") from None
    audit.append(
        session,
        cipher=state.cipher,
        actor=user.username,
        roles=user.roles,
        action="withdraw",
        community_code=submission.community_code,
        subject=f"submission:{submission.id}",
        detail={"form": submission.form_id},
    )
