"""重新报送: a submission whose delivery to some target failed goes again to those targets only."""

from __future__ import annotations

import contextlib

from sqlmodel import Session
from temporalio.client import WorkflowExecutionStatus
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from hub import delegation
from hub._state import HubState
from hub.errors import Forbidden, InvalidInput, TargetUnavailable
from hub.forms import form_version
from hub.store import Submission, reopen_failed_deliveries
from hub.submitting import search_attributes, workflow_id, workflow_input
from workflows.queues import ORCHESTRATION
from workflows.submission import SubmissionWorkflow


async def resubmit_failed(
    *,
    state: HubState,
    session: Session,
    submission: Submission,
    username: str,
    subject_token: str | None,
) -> list[str]:
    """重新报送: deliver again to the targets whose delivery failed, and only to them (those that
    accepted or rejected it keep their outcome). Returns those targets.

    A new run of the submission's workflow, under the same id, so 撤回 and 重新登录 reach it; the
    robots look each person up before filing, so a target that did get it is not filed twice.
    """
    if submission.created_by != username:
        raise Forbidden("not the submitter", user_message="只有提交人本人可以重新报送")
    if state.temporal is None:
        raise TargetUnavailable("temporal client not connected")
    handle = state.temporal.get_workflow_handle(workflow_id(submission.id))
    with contextlib.suppress(RPCError):  # never started (Temporal was down at submit): start now
        if (await handle.describe()).status == WorkflowExecutionStatus.RUNNING:
            raise InvalidInput(
                "still running", user_message="报送仍在进行中，请等它结束后再重新报送"
            )
    targets = reopen_failed_deliveries(session=session, submission_id=submission.id)
    if not targets:
        raise InvalidInput("nothing failed", user_message="没有需要重新报送的系统")
    await delegation.delegate(
        state=state,
        session=session,
        submission=submission,
        subject_token=subject_token,
        targets=targets,
    )
    session.commit()  # reopened, with fresh tokens, before the workflow can look
    form = form_version(session, submission.form_id, submission.form_version)
    # A second tap a moment later finds this run started: it delivers, once.
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await state.temporal.start_workflow(
            SubmissionWorkflow.run,
            workflow_input(state, form, submission, targets),
            id=workflow_id(submission.id),
            task_queue=ORCHESTRATION,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
            search_attributes=search_attributes(submission),
        )
    return targets
