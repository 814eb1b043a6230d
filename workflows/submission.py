"""The submission workflow: one universal-form submission fanned out to every target.

Deterministic and import-light: models come in through the sandbox pass-through, activities are
referenced by name, and nothing here touches the network, the database or a browser.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.exceptions import ActivityError, ApplicationError, ChildWorkflowError

with workflow.unsafe.imports_passed_through():
    from workflows import search
    from workflows.delivery import (
        RELOGIN_TIMED_OUT,
        STORE_RETRY,
        DeliveryWorkflow,
        ask_for_decision,
        delivery_id,
        delivery_retry_policy,
        failed_outcome,
    )
    from workflows.models import (
        DecisionPlan,
        DeliverInput,
        DeliverOutput,
        DeliveryInput,
        MarkNeedsLoginInput,
        MarkRunningInput,
        RecordDecisionInput,
        RecordInput,
        SubmissionInput,
        SubmissionOutput,
        TargetPlan,
    )
    from workflows.queues import ORCHESTRATION, connector_queue

#: Version marker: workflows started before decisions were awaited must replay without them.
AWAIT_DECISIONS = "await-decisions"
#: Version marker: before it, a delivery whose single-sign-on token had expired simply failed.
SSO_RELOGIN = "sso-relogin"
#: Version marker: before it, this workflow ran each target's activities itself; since, each
#: target is a DeliveryWorkflow child (workflows/delivery.py) on the connector's own queue.
CHILD_PER_TARGET = "child-per-target"
#: The signal the portal sends once the worker has logged in again (hub/delegation.py).
RENEWED_SIGNAL = "sso_renewed"


@workflow.defn
class SubmissionWorkflow:
    def __init__(self) -> None:
        #: Targets whose single-sign-on token she renewed since their delivery last asked.
        self._renewed: set[str] = set()
        #: connector id -> its delivery's workflow id, once started (child-per-target).
        self._children: dict[str, str] = {}

    @workflow.signal(name=RENEWED_SIGNAL)
    async def sso_renewed(self, connector_id: str) -> None:
        child = self._children.get(connector_id)
        if child is None:
            self._renewed.add(connector_id)
            return
        # The portal signals the submission; the delivery that waits for her is its child.
        await workflow.get_external_workflow_handle(child).signal(RENEWED_SIGNAL)

    @workflow.run
    async def run(self, data: SubmissionInput) -> SubmissionOutput:
        # Workflows started before children replay as they ran (self._deliver).
        patched = data.children or workflow.patched(CHILD_PER_TARGET)
        deliver = self._deliver_in_child if patched else self._deliver
        outcomes = await asyncio.gather(*(deliver(data, t) for t in data.targets))
        return SubmissionOutput(
            submission_id=data.submission_id,
            outcomes={t.connector_id: o for t, o in zip(data.targets, outcomes, strict=True)},
        )

    async def _deliver_in_child(self, data: SubmissionInput, target: TargetPlan) -> DeliverOutput:
        child_id = delivery_id(data.submission_id, target.connector_id)
        attributes: list[SearchAttributePair[Any]] = [
            SearchAttributePair(search.TARGET, target.connector_id),
            # Since v5 the child starts as running (one search-attribute write fewer in it).
            SearchAttributePair(search.STATUS, "running" if data.children else "pending"),
            SearchAttributePair(search.NEEDS_HUMAN, False),
        ]
        if data.community_code:
            attributes.append(SearchAttributePair(search.COMMUNITY, data.community_code))
        if data.form_id:
            attributes.append(SearchAttributePair(search.FORM, data.form_id))
        handle = await workflow.start_child_workflow(
            DeliveryWorkflow.run,
            DeliveryInput(
                submission_id=data.submission_id,
                form_title=data.form_title,
                target=target,
                started_running=data.children,
            ),
            id=child_id,
            task_queue=connector_queue(target.connector_id),
            parent_close_policy=workflow.ParentClosePolicy.REQUEST_CANCEL,
            search_attributes=TypedSearchAttributes(attributes),
        )
        self._children[target.connector_id] = child_id
        try:
            return await handle
        except ChildWorkflowError as err:  # terminated or timed out by hand: nothing recorded
            return DeliverOutput(
                status="failed",
                message="报送被中止，请重新提交",
                error_type=type(err.cause).__name__ if err.cause else None,
            )

    async def _deliver(self, data: SubmissionInput, target: TargetPlan) -> DeliverOutput:
        """Before child-per-target: the delivery's steps in this workflow. Kept for replay."""
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
                    retry_policy=delivery_retry_policy(target),
                    result_type=DeliverOutput,
                )
            except ActivityError as err:
                if _needs_login(err) and workflow.patched(SSO_RELOGIN):
                    if await self._wait_for_login(data, target, err):
                        continue  # she logged in again: the robot tries with her new token
                    outcome = DeliverOutput(status="failed", message=RELOGIN_TIMED_OUT)
                else:
                    outcome = failed_outcome(err.cause)
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
            retry_policy=STORE_RETRY,
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
            retry_policy=STORE_RETRY,
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
            retry_policy=STORE_RETRY,
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
        decision = await ask_for_decision(data.submission_id, target, plan, receipt_no)
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
            retry_policy=STORE_RETRY,
        )


def _needs_login(err: ActivityError) -> bool:
    cause = err.cause
    return isinstance(cause, ApplicationError) and cause.type == "SsoLoginRequired"
