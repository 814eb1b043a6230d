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
        DeliverInput,
        DeliverOutput,
        MarkRunningInput,
        RecordInput,
        SubmissionInput,
        SubmissionOutput,
        TargetPlan,
    )
    from workflows.queues import ORCHESTRATION, connector_queue

#: Errors a retry cannot fix; they go straight back to the worker or to IT.
NON_RETRYABLE = ["BusinessRejection", "RobotBroken", "CredentialsRejected", "ConfigurationError"]
_STORE_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30)
)


@workflow.defn
class SubmissionWorkflow:
    @workflow.run
    async def run(self, data: SubmissionInput) -> SubmissionOutput:
        outcomes = await asyncio.gather(*(self._deliver(data, t) for t in data.targets))
        return SubmissionOutput(
            submission_id=data.submission_id,
            outcomes={t.connector_id: o for t, o in zip(data.targets, outcomes, strict=True)},
        )

    async def _deliver(self, data: SubmissionInput, target: TargetPlan) -> DeliverOutput:
        await workflow.execute_activity(
            "mark_delivery_running",
            MarkRunningInput(submission_id=data.submission_id, connector_id=target.connector_id),
            task_queue=ORCHESTRATION,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=_STORE_RETRY,
        )
        try:
            outcome = await workflow.execute_activity(
                "deliver",
                DeliverInput(submission_id=data.submission_id, connector_id=target.connector_id),
                task_queue=connector_queue(target.connector_id),
                start_to_close_timeout=timedelta(seconds=target.start_to_close_timeout_s),
                heartbeat_timeout=timedelta(seconds=target.heartbeat_timeout_s),
                retry_policy=_retry_policy(target),
                result_type=DeliverOutput,
            )
        except ActivityError as err:
            outcome = _failed_outcome(err)
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
        return outcome


def _retry_policy(target: TargetPlan) -> RetryPolicy:
    return RetryPolicy(
        initial_interval=timedelta(seconds=target.retry.initial_interval_s),
        backoff_coefficient=target.retry.backoff,
        maximum_interval=timedelta(seconds=target.retry.maximum_interval_s),
        maximum_attempts=target.retry.maximum_attempts,
        non_retryable_error_types=NON_RETRYABLE,
    )


def _failed_outcome(err: ActivityError) -> DeliverOutput:
    cause = err.cause
    if isinstance(cause, ApplicationError):
        status = "rejected" if cause.type == "BusinessRejection" else "failed"
        return DeliverOutput(status=status, message=cause.message)
    return DeliverOutput(status="failed", message="多次重试后仍未成功，请稍后重新提交")
