"""Deliveries filed as local activities (TargetPlan.local: short API calls with no rate limit,
hub.submitting.files_locally): the same outcomes as activity tasks, on a real Temporal server,
with none of the server's activity-task events in the delivery's history."""

from __future__ import annotations

import uuid

import pytest
from temporalio import activity
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import ApplicationError
from temporalio.worker import Worker

from connectors.sdk import load_connectors
from hub.submitting import files_locally
from tests._temporal_history import (
    client_codec,
    decoded_history_text,
    history_text,
    payload_encodings,
)
from tests.factories import valid_id_number
from tests.workflows.test_submission_workflow import FakeTargets, _plan, _run, _started, _until
from workflows.delivery import DeliveryWorkflow, delivery_id
from workflows.models import DeliverInput, DeliverOutput, DeliveryInput
from workflows.queues import connector_queue
from workflows.submission import SubmissionWorkflow

NAME, ID_NUMBER = "𠮷祥英", valid_id_number("19420315", "2", seq=22)


def test_short_api_calls_without_a_rate_limit_file_locally():
    manifests = {cid: c.manifest for cid, c in load_connectors().items()}
    local = sorted(cid for cid, m in manifests.items() if files_locally(m))
    assert local == ["elderly_api"]  # city_data and housing_safety have rate limits
    api = manifests["elderly_api"]
    assert not files_locally(api.model_copy(update={"rate_limit_per_minute": 60}))
    assert not files_locally(api.model_copy(update={"start_to_close_timeout_s": 180}))
    assert not files_locally(api.model_copy(update={"kind": "robot"}))


async def _event_types(env, submission_id: str, connector_id: str) -> list[int]:
    handle = env.client.get_workflow_handle(delivery_id(submission_id, connector_id))
    return [event.event_type async for event in handle.fetch_history_events()]


async def test_a_local_delivery_is_retried_and_filed_once_without_an_activity_task(temporal_env):
    fake = FakeTargets({"api_sys": ["down", "ok"], "robot_sys": ["ok"]})
    plans = [_plan("api_sys", local=True), _plan("robot_sys")]

    result = await _run(temporal_env, fake, plans)

    assert result.outcomes["api_sys"].status == "succeeded"
    assert result.outcomes["api_sys"].receipt_no == "R-api_sys"
    assert fake.attempts["api_sys"] == 2  # the outage retried per the connector's policy
    assert [r.connector_id for r in fake.recorded].count("api_sys") == 1
    submission_id = result.submission_id
    local = await _event_types(temporal_env, submission_id, "api_sys")
    assert EventType.EVENT_TYPE_MARKER_RECORDED in local
    assert EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED not in local
    # The robot's delivery (not local) is an activity task, as before.
    robot = await _event_types(temporal_env, submission_id, "robot_sys")
    assert EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED in robot
    assert EventType.EVENT_TYPE_MARKER_RECORDED not in robot


async def test_a_local_rejection_is_not_retried_and_keeps_the_targets_reason(temporal_env):
    fake = FakeTargets({"api_sys": ["reject", "ok"]})

    result = await _run(temporal_env, fake, [_plan("api_sys", local=True)])

    assert fake.attempts["api_sys"] == 1
    outcome = result.outcomes["api_sys"]
    assert (outcome.status, outcome.message) == ("rejected", "公民身份号码校验位错误")
    assert [r.outcome.status for r in fake.recorded] == ["rejected"]


async def test_a_local_delivery_gives_up_after_the_connectors_attempt_limit(temporal_env):
    fake = FakeTargets({"api_sys": ["down"] * 3})

    result = await _run(temporal_env, fake, [_plan("api_sys", attempts=3, local=True)])

    assert fake.attempts["api_sys"] == 3
    assert result.outcomes["api_sys"].status == "failed"
    assert result.outcomes["api_sys"].message == "目标系统暂时无法访问"


async def test_withdrawing_cancels_a_local_delivery_mid_call(temporal_env):
    fake = FakeTargets({"api_sys": ["hang"]})
    async with _started(temporal_env, fake, [_plan("api_sys", local=True)]) as handle:
        await _until(lambda: fake.attempts["api_sys"] == 1)

        await handle.cancel()
        with pytest.raises(WorkflowFailureError):
            await handle.result()
        await _until(lambda: fake.withdrawn == ["api_sys"])

    assert fake.cancelled == ["api_sys"]  # the call itself was stopped, not left running
    assert fake.recorded == []


async def test_a_local_delivery_waits_for_her_to_log_in_again(temporal_env):
    fake = FakeTargets({"sso_sys": ["login", "ok"]})
    async with _started(temporal_env, fake, [_plan("sso_sys", local=True)]) as handle:
        await _until(lambda: fake.needs_login)
        assert fake.attempts["sso_sys"] == 1  # not retried on its own

        await handle.signal(SubmissionWorkflow.sso_renewed, "sso_sys")
        result = await handle.result()

    assert result.outcomes["sso_sys"].receipt_no == "R-sso_sys"
    assert fake.attempts["sso_sys"] == 2


class QuotingTarget:
    """Quotes her back, as some targets do: first in a refusal (retried), then in its receipt."""

    def __init__(self) -> None:
        self.attempts = 0

    @activity.defn(name="deliver")
    async def deliver(self, data: DeliverInput) -> DeliverOutput:
        self.attempts += 1
        if self.attempts == 1:
            raise ApplicationError(f"{NAME}（{ID_NUMBER}）暂时无法受理", type="TargetUnavailable")
        return DeliverOutput(
            status="succeeded", receipt_no="R-1", message=f"{NAME} 已受理", recorded=True
        )


async def test_a_local_deliverys_result_and_failures_are_stored_encrypted(temporal_env):
    target, plan = QuotingTarget(), _plan("api_sys", local=True)
    queue = connector_queue("api_sys")
    async with Worker(
        temporal_env.client,
        task_queue=queue,
        workflows=[DeliveryWorkflow],
        activities=[target.deliver],
    ):
        handle = await temporal_env.client.start_workflow(
            DeliveryWorkflow.run,
            DeliveryInput(
                submission_id=uuid.uuid4().hex, form_title="高龄津贴申请", target=plan,
                started_running=True,
            ),
            id=f"delivery-{uuid.uuid4().hex}",
            task_queue=queue,
        )  # fmt: skip
        assert (await handle.result()).message == f"{NAME} 已受理"
    assert target.attempts == 2

    history = await handle.fetch_history()  # as the server keeps it
    assert any(e.HasField("marker_recorded_event_attributes") for e in history.events)
    encodings = payload_encodings(history)  # the marker's result counted, core's metadata not
    assert len(encodings) >= 3 and set(encodings) == {"binary/encrypted"}, encodings
    raw = history_text(history)
    assert NAME not in raw and ID_NUMBER not in raw
    decoded = await decoded_history_text(history, client_codec(temporal_env.client))
    assert f"{NAME} 已受理" in decoded  # the control: decoded, it shows
