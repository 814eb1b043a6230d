"""The submission workflow: one universal-form submission fanned out to every target.

Deterministic and import-light: models come in through the sandbox pass-through, activities are
referenced by name, and nothing here touches the network, the database or a browser.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from workflows.models import (
        CheckDecisionInput,
        DecisionOutput,
        DecisionPlan,
        DeliverInput,
        DeliverOutput,
        MarkNeedsLoginInput,
        MarkRunningInput,
        RecordDecisionInput,
        RecordInput,
        SubmissionInput,
        SubmissionOutput,
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
#: Version marker: workflows started before decisions were awaited must replay without them.
AWAIT_DECISIONS = "await-decisions"
#: Version marker: before it, a delivery whose single-sign-on token had expired simply failed.
SSO_RELOGIN = "sso-relogin"
#: The signal the portal sends once the worker has logged in again (hub/delegation.py).
RENEWED_SIGNAL = "sso_renewed"
RELOGIN_TIMED_OUT = "等待重新登录超时，请重新提交"
_STORE_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30)
)


@workflow.defn
class SubmissionWorkflow:
    def __init__(self) -> None:
        #: Targets whose single-sign-on token she renewed since their delivery last asked.
        self._renewed: set[str] = set()

    @workflow.signal(name=RENEWED_SIGNAL)
    def sso_renewed(self, connector_id: str) -> None:
        self._renewed.add(connector_id)

    @workflow.run
    async def run(self, data: SubmissionInput) -> SubmissionOutput:
        outcomes = await asyncio.gather(*(self._deliver(data, t) for t in data.targets))
        return SubmissionOutput(
            submission_id=data.submission_id,
            outcomes={t.connector_id: o for t, o in zip(data.targets, outcomes, strict=True)},
        )

    async def _deliver(self, data: SubmissionInput, target: TargetPlan) -> DeliverOutput:
        while True:
            await self._mark_running(data, target)
            try:
                outcome = await workflow.execute_activity(
                    "deliver",
                    DeliverInput(
                        submission_id=data.submission_id, connector_id=target.connector_id
                    ),
                    task_queue=connector_queue(target.connector_id),
                    start_to_close_timeout=timedelta(seconds=target.start_to_close_timeout_s),
                    heartbeat_timeout=timedelta(seconds=target.heartbeat_timeout_s),
                    retry_policy=_retry_policy(target),
                    result_type=DeliverOutput,
                )
            except ActivityError as err:
                if _needs_login(err) and workflow.patched(SSO_RELOGIN):
                    if await self._wait_for_login(data, target, err):
                        continue  # she logged in again: the robot tries with her new token
                    outcome = DeliverOutput(status="failed", message=RELOGIN_TIMED_OUT)
                else:
                    outcome = _failed_outcome(err)
            break
        await workflow.execute_activity(
            "record_delivery_result",
            RecordInput(
                submission_id=data.submission_id,
                connector_id=target.connector_id,
                form_title=data.form_title,
                outcome=outcome,
            ),
            task_queue=ORCHESTRATION,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=_STORE_RETRY,
        )
        if (
            outcome.status == "succeeded"
            and outcome.receipt_no
            and target.decisions is not None
            and workflow.patched(AWAIT_DECISIONS)
        ):
            await self._await_decision(data, target, target.decisions, outcome.receipt_no)
        return outcome

    async def _mark_running(self, data: SubmissionInput, target: TargetPlan) -> None:
        await workflow.execute_activity(
            "mark_delivery_running",
            MarkRunningInput(submission_id=data.submission_id, connector_id=target.connector_id),
            task_queue=ORCHESTRATION,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=_STORE_RETRY,
        )

    async def _wait_for_login(
        self, data: SubmissionInput, target: TargetPlan, err: ActivityError
    ) -> bool:
        """Ask her to log in again and wait until she has (True) or the wait is over (False)."""
        cause = err.cause
        assert isinstance(cause, ApplicationError)
        self._renewed.discard(target.connector_id)
        await workflow.execute_activity(
            "mark_delivery_needs_login",
            MarkNeedsLoginInput(
                submission_id=data.submission_id,
                connector_id=target.connector_id,
                message=cause.message,
            ),
            task_queue=ORCHESTRATION,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=_STORE_RETRY,
        )
        try:
            await workflow.wait_condition(
                lambda: target.connector_id in self._renewed,
                timeout=timedelta(seconds=target.relogin_wait_s),
            )
        except TimeoutError:
            return False
        self._renewed.discard(target.connector_id)
        return True

    async def _await_decision(
        self, data: SubmissionInput, target: TargetPlan, plan: DecisionPlan, receipt_no: str
    ) -> None:
        """Ask the target for its review decision until it has one (回流), then write it back.

        One activity with a retry policy does the polling: a pending decision fails the attempt,
        and the server waits the backed-off interval, so months of waiting add no history events.
        """
        await workflow.sleep(timedelta(seconds=plan.first_check_s))
        try:
            decision = await workflow.execute_activity(
                "check_decision",
                CheckDecisionInput(
                    submission_id=data.submission_id,
                    connector_id=target.connector_id,
                    receipt_no=receipt_no,
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
            decision = _unknown_decision(err)
        await workflow.execute_activity(
            "record_decision",
            RecordDecisionInput(
                submission_id=data.submission_id,
                connector_id=target.connector_id,
                form_title=data.form_title,
                decision=decision,
            ),
            task_queue=ORCHESTRATION,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=_STORE_RETRY,
        )


def _retry_policy(target: TargetPlan) -> RetryPolicy:
    return RetryPolicy(
        initial_interval=timedelta(seconds=target.retry.initial_interval_s),
        backoff_coefficient=target.retry.backoff,
        maximum_interval=timedelta(seconds=target.retry.maximum_interval_s),
        maximum_attempts=target.retry.maximum_attempts,
        non_retryable_error_types=NON_RETRYABLE,
    )


def _needs_login(err: ActivityError) -> bool:
    cause = err.cause
    return isinstance(cause, ApplicationError) and cause.type == "SsoLoginRequired"


def _failed_outcome(err: ActivityError) -> DeliverOutput:
    cause = err.cause
    if isinstance(cause, ApplicationError):
        status = "rejected" if cause.type == "BusinessRejection" else "failed"
        return DeliverOutput(status=status, message=cause.message, error_type=cause.type)
    return DeliverOutput(status="failed", message="多次重试后仍未成功，请稍后重新提交")


def _unknown_decision(err: ActivityError) -> DecisionOutput:
    cause = err.cause
    if isinstance(cause, ApplicationError) and cause.type in NON_RETRYABLE:
        return DecisionOutput(result="unknown", reason=f"无法查询审核结果：{cause.message}")
    return DecisionOutput(result="unknown", reason="等待期内目标系统未给出审核结果，请到该系统查询")
