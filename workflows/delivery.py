"""One target's delivery of one submission: a child of the submission workflow.

Its id is the submission id and the target (`delivery-<submission>-<connector>`), so a delivery
is found, signalled and cancelled by what it is, and can never be started twice. It runs on the
connector's own task queue, beside that connector's activities: robot workers for a busy target
are scaled by running more of them. Its search attributes say where it is (DeliveryStatus,
NeedsHuman), never who it is for.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError, CancelledError

with workflow.unsafe.imports_passed_through():
    from workflows import search
    from workflows._hours import BEIJING
    from workflows._human import clean_answer
    from workflows.models import (
        AmendInput,
        CheckDecisionInput,
        DecisionOutput,
        DecisionPlan,
        DeliverInput,
        DeliverOutput,
        DeliveryInput,
        HumanAnswer,
        MarkNeedsLoginInput,
        MarkRunningInput,
        MarkWaitingInput,
        RecordDecisionInput,
        RecordInput,
        TargetPlan,
    )
    from workflows.queues import ORCHESTRATION, connector_queue

#: Errors a retry cannot fix; they go straight back to the worker or to IT.
NON_RETRYABLE = [
    "BusinessRejection",
    "RobotBroken",
    "CredentialsRejected",
    "ConfigurationError",
    "SsoLoginRequired",
]
#: Version marker: before it, a separate activity marked each attempt 正在提交; since, the deliver
#: (or amend) activity does as it starts: one round trip less per delivery.
RUNNING_IN_ACTIVITY = "running-in-activity"
#: The signal the portal sends (through the submission workflow) once she has logged in again.
RENEWED_SIGNAL = "sso_renewed"
#: The signal the robot's activity sends when it has put a question to her (a CAPTCHA).
ASKED_SIGNAL = "human_asked"
#: The update the portal sends with her answer; the validator refuses a stale or empty one.
ANSWER_UPDATE = "answer_human"
RELOGIN_TIMED_OUT = "等待重新登录超时，请重新提交"
STORE_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30)
)


def delivery_id(submission_id: str, connector_id: str) -> str:
    return f"delivery-{submission_id}-{connector_id}"


@workflow.defn
class DeliveryWorkflow:
    def __init__(self) -> None:
        self._renewed = False  # she logged in again since the delivery last asked
        self._asked: str | None = None  # the human task the robot waits on, if any

    @workflow.signal(name=RENEWED_SIGNAL)
    def sso_renewed(self) -> None:
        self._renewed = True

    @workflow.signal(name=ASKED_SIGNAL)
    def human_asked(self, task_id: str) -> None:
        """The robot, holding its page open, waits for her answer to this task."""
        self._asked = task_id
        self._status("needs_human", needs_human=True)

    @workflow.update(name=ANSWER_UPDATE)
    async def answer_human(self, answer: HumanAnswer) -> None:
        """Her answer, kept (encrypted) where the robot's activity reads it."""
        try:
            await workflow.execute_activity(
                "record_human_answer",
                answer,
                task_queue=ORCHESTRATION,
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=RetryPolicy(maximum_attempts=3),
            )
        except ActivityError as err:  # the task expired meanwhile: her answer comes too late
            cause = err.cause
            message = cause.message if isinstance(cause, ApplicationError) else "请稍后重试"
            raise ApplicationError(message, type="AnswerRefused") from None
        if self._asked == answer.task_id:
            self._asked = None
            self._status("running")

    @answer_human.validator
    def _check_answer(self, answer: HumanAnswer) -> None:
        if answer.task_id != self._asked:
            raise ValueError("该验证码已过期，请等待新的验证码")
        clean_answer(answer.answer)  # ValueError with the reason, in Chinese

    @workflow.run
    async def run(self, data: DeliveryInput) -> DeliverOutput:
        target = data.target
        try:
            outcome = await self._deliver(data)
        except asyncio.CancelledError:
            # She withdrew the submission before this target had it: say so, and end.
            await self._store("mark_delivery_withdrawn", MarkRunningInput(
                submission_id=data.submission_id, connector_id=target.connector_id
            ))  # fmt: skip
            self._status("withdrawn")
            raise
        if not outcome.recorded:  # the deliver activity wrote back its success itself
            await self._store("record_delivery_result", RecordInput(
                submission_id=data.submission_id,
                connector_id=target.connector_id,
                form_title=data.form_title,
                outcome=outcome,
            ))  # fmt: skip
        self._status(outcome.status)
        if outcome.status == "succeeded" and outcome.receipt_no and target.decisions is not None:
            await self._await_decision(data, target.decisions, outcome.receipt_no)
        return outcome

    async def _deliver(self, data: DeliveryInput) -> DeliverOutput:
        """File it: in office hours, retried per the connector, waiting for her where needed."""
        target = data.target
        running = data.started_running  # as its parent started it: no write to say so again
        while True:
            if await self._within_office_hours(data):
                running = False
            if not (data.started_running or workflow.patched(RUNNING_IN_ACTIVITY)):
                await self._store("mark_delivery_running", MarkRunningInput(
                    submission_id=data.submission_id, connector_id=target.connector_id
                ))  # fmt: skip
            if not running:
                self._status("running")
            running = False  # a second attempt comes after a wait with another status
            try:
                return await _file(data)
            except (ActivityError, ApplicationError, CancelledError) as err:
                # An activity's failure comes wrapped in ActivityError, a local activity's own
                # as it is (temporalio 1.35): what failed is the same.
                cause = err.cause if isinstance(err, ActivityError) else err
                self._asked = None  # a question it asked is void with the attempt
                if isinstance(cause, CancelledError):  # the robot stopped: withdrawn
                    raise asyncio.CancelledError from None
                if not (isinstance(cause, ApplicationError) and cause.type == "SsoLoginRequired"):
                    return failed_outcome(cause)
                if not await self._wait_for_login(data, cause):
                    return DeliverOutput(
                        status="failed", message=RELOGIN_TIMED_OUT, error_type="SsoLoginRequired"
                    )
                # she logged in again: the robot tries with her new token

    async def _store(self, activity: str, arg: object) -> None:
        """A write to the hub's store, on the orchestration queue (which has the database)."""
        await workflow.execute_activity(
            activity,
            arg,
            task_queue=ORCHESTRATION,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=STORE_RETRY,
        )

    def _status(self, status: str, *, needs_human: bool = False) -> None:
        workflow.upsert_search_attributes(
            [search.STATUS.value_set(status), search.NEEDS_HUMAN.value_set(needs_human)]
        )

    async def _within_office_hours(self, data: DeliveryInput) -> bool:
        """Outside the target's office hours: say so in the portal, and wait until it opens
        (True when it waited)."""
        waited = False
        hours = data.target.office_hours
        while hours is not None and (opens := hours.opens_at(workflow.now())) is not None:
            local = opens.astimezone(BEIJING)
            message = (
                f"目标系统受理时间为{hours.describe()}，"
                f"将于{local.month}月{local.day}日 {local:%H:%M} 自动提交"
            )
            await self._store("mark_delivery_waiting", MarkWaitingInput(
                submission_id=data.submission_id,
                connector_id=data.target.connector_id,
                status="waiting_hours",
                message=message,
            ))  # fmt: skip
            self._status("waiting_hours")
            await workflow.sleep(opens - workflow.now())
            waited = True
        return waited

    async def _wait_for_login(self, data: DeliveryInput, cause: ApplicationError) -> bool:
        """Ask her to log in again and wait until she has (True) or the wait is over (False)."""
        self._renewed = False
        await self._store("mark_delivery_needs_login", MarkNeedsLoginInput(
            submission_id=data.submission_id,
            connector_id=data.target.connector_id,
            message=cause.message,
        ))  # fmt: skip
        self._status("needs_login", needs_human=True)
        try:
            await workflow.wait_condition(
                lambda: self._renewed, timeout=timedelta(seconds=data.target.relogin_wait_s)
            )
        except TimeoutError:
            return False
        self._renewed = False
        return True

    async def _await_decision(self, data: DeliveryInput, plan: DecisionPlan, receipt: str) -> None:
        """Ask the target for its review decision until it has one (回流), then write it back.

        One activity with a retry policy does the polling: a pending decision fails the attempt,
        and the server waits the backed-off interval, so months of waiting add no history events.
        """
        self._status("awaiting_decision")
        decision = await ask_for_decision(data.submission_id, data.target, plan, receipt)
        await self._store("record_decision", RecordDecisionInput(
            submission_id=data.submission_id,
            connector_id=data.target.connector_id,
            form_title=data.form_title,
            decision=decision,
        ))  # fmt: skip
        self._status(f"decided_{decision.result}")


async def ask_for_decision(
    submission_id: str, target: TargetPlan, plan: DecisionPlan, receipt: str
) -> DecisionOutput:
    """Wait, then poll the target for its decision on the receipt (one activity whose pending
    attempts back off); "unknown" with a reason if it never says or cannot be asked."""
    await workflow.sleep(timedelta(seconds=plan.first_check_s))
    try:
        return await workflow.execute_activity(
            "check_decision",
            CheckDecisionInput(
                submission_id=submission_id, connector_id=target.connector_id, receipt_no=receipt
            ),
            task_queue=connector_queue(target.connector_id),
            start_to_close_timeout=timedelta(seconds=target.start_to_close_timeout_s),
            schedule_to_close_timeout=timedelta(seconds=plan.give_up_after_s),
            heartbeat_timeout=timedelta(seconds=target.heartbeat_timeout_s),
            retry_policy=RetryPolicy(
                initial_interval=timedelta(seconds=plan.first_check_s),
                backoff_coefficient=2.0,
                maximum_interval=timedelta(seconds=plan.maximum_interval_s),
                non_retryable_error_types=NON_RETRYABLE,
            ),
            result_type=DecisionOutput,
        )
    except ActivityError as err:
        return unknown_decision(err)


async def _file(data: DeliveryInput) -> DeliverOutput:
    """One go at filing (or amending), retried per the connector's policy.

    A short API call with no rate limit for the server to keep (TargetPlan.local) runs as a local
    activity, in the worker running this delivery: no activity task through the server, no
    separate workflow task for its result; its attempt and result are a marker in the history.
    """
    target = data.target
    activity, arg = _step(data)
    timeout = timedelta(seconds=target.start_to_close_timeout_s)
    # Withdrawn mid-attempt: wait for the robot to stop (its browser closed), and for the
    # receipt if it had already filed.
    cancellation = workflow.ActivityCancellationType.WAIT_CANCELLATION_COMPLETED
    if target.local:
        return await workflow.execute_local_activity(
            activity,
            arg,
            start_to_close_timeout=timeout,
            retry_policy=delivery_retry_policy(target),
            cancellation_type=cancellation,
            result_type=DeliverOutput,
        )
    return await workflow.execute_activity(
        activity,
        arg,
        task_queue=connector_queue(target.connector_id),
        start_to_close_timeout=timeout,
        heartbeat_timeout=timedelta(seconds=target.heartbeat_timeout_s),
        retry_policy=delivery_retry_policy(target),
        cancellation_type=cancellation,
        result_type=DeliverOutput,
    )


def delivery_retry_policy(target: TargetPlan) -> RetryPolicy:
    # Temporal's backoff has no jitter: the deliver activity adds it (next_retry_delay).
    return RetryPolicy(
        initial_interval=timedelta(seconds=target.retry.initial_interval_s),
        backoff_coefficient=target.retry.backoff,
        maximum_interval=timedelta(seconds=target.retry.maximum_interval_s),
        maximum_attempts=target.retry.maximum_attempts,
        non_retryable_error_types=NON_RETRYABLE,
    )


def _step(data: DeliveryInput) -> tuple[str, DeliverInput | AmendInput]:
    """File it, or, for an amendment, correct what the target filed before."""
    target = data.target
    if target.amends_receipt is None:
        return "deliver", DeliverInput(
            submission_id=data.submission_id,
            connector_id=target.connector_id,
            form_title=data.form_title,
        )
    return "amend", AmendInput(
        submission_id=data.submission_id,
        connector_id=target.connector_id,
        receipt_no=target.amends_receipt,
        form_title=data.form_title,
    )


def failed_outcome(cause: BaseException | None) -> DeliverOutput:
    """What the worker is told of a delivery that failed with this (an activity error's cause)."""
    if isinstance(cause, ApplicationError):
        status = "rejected" if cause.type == "BusinessRejection" else "failed"
        return DeliverOutput(status=status, message=cause.message, error_type=cause.type)
    return DeliverOutput(status="failed", message="多次重试后仍未成功，请稍后重新提交")


def unknown_decision(err: ActivityError) -> DecisionOutput:
    cause = err.cause
    if isinstance(cause, ApplicationError) and cause.type in NON_RETRYABLE:
        return DecisionOutput(result="unknown", reason=f"无法查询审核结果：{cause.message}")
    return DecisionOutput(result="unknown", reason="等待期内目标系统未给出审核结果，请到该系统查询")
