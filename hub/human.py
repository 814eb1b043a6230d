"""Her answer to a robot's question (a CAPTCHA), sent to the delivery workflow that waits for it.

The workflow's update validates it (workflows/delivery.py) and its activity keeps it where the
robot, still holding the target's page, reads it. Only the worker who submitted may answer: the
robot is logged in as her.
"""

from __future__ import annotations

from sqlmodel import Session
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError

from hub._state import HubState
from hub.errors import Forbidden, InvalidInput, NotFound, TargetUnavailable
from hub.store import HumanTask, Submission, check_answer
from workflows.delivery import ANSWER_UPDATE, delivery_id
from workflows.models import HumanAnswer

EXPIRED = "该验证码已过期，请等待新的验证码"


async def answer_task(
    *,
    state: HubState,
    session: Session,
    submission: Submission,
    task_id: str,
    answer: str,
    username: str,
) -> None:
    task = session.get(HumanTask, task_id)
    if task is None or task.submission_id != submission.id:
        raise NotFound(f"human task {task_id}")
    if submission.created_by != username:
        raise Forbidden("not the submitter", user_message="只有提交人本人可以输入验证码")
    if task.state != "open":
        raise InvalidInput("task not open", user_message=EXPIRED)
    cleaned = check_answer(answer)  # the same rule the workflow's validator applies
    if state.temporal is None:
        raise TargetUnavailable("temporal client not connected")
    handle = state.temporal.get_workflow_handle(delivery_id(submission.id, task.target))
    try:
        await handle.execute_update(
            ANSWER_UPDATE, HumanAnswer(task_id=task.id, answer=cleaned, answered_by=username)
        )
    except WorkflowUpdateFailedError as err:  # refused: stale, or empty after all
        cause = err.cause
        message = cause.message if isinstance(cause, ApplicationError) else EXPIRED
        raise InvalidInput("answer refused", user_message=message) from None
    except RPCError as err:  # the delivery has ended meanwhile
        raise InvalidInput(f"delivery gone: {err.status}", user_message=EXPIRED) from None
