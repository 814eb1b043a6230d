"""The submission workflow on a real Temporal server, with stand-in activities of the same names."""

from __future__ import annotations

import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack

from temporalio import activity
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from workflows.models import (
    CheckDecisionInput,
    DecisionOutput,
    DecisionPlan,
    DeliverInput,
    DeliverOutput,
    MarkRunningInput,
    RecordDecisionInput,
    RecordInput,
    RetryDecl,
    SubmissionInput,
    TargetPlan,
)
from workflows.queues import ORCHESTRATION, connector_queue
from workflows.submission import SubmissionWorkflow


class FakeTargets:
    """Records every call; each target behaves as its script says, attempt by attempt."""

    def __init__(
        self, scripts: dict[str, list[str]], decisions: dict[str, list[str]] | None = None
    ) -> None:
        self.scripts = scripts
        self.decisions = decisions or {}
        self.attempts: Counter[str] = Counter()
        self.checks: Counter[str] = Counter()
        self.recorded: list[RecordInput] = []
        self.decided: list[RecordDecisionInput] = []
        self.running: list[str] = []

    @activity.defn(name="record_decision")
    def record_decision(self, data: RecordDecisionInput) -> None:
        self.decided.append(data)

    @activity.defn(name="check_decision")
    async def check_decision(self, data: CheckDecisionInput) -> DecisionOutput:
        assert data.receipt_no == f"R-{data.connector_id}"
        self.checks[data.connector_id] += 1
        script = self.decisions[data.connector_id]
        step = script[min(self.checks[data.connector_id], len(script)) - 1]
        if step == "pending":
            raise ApplicationError("目标系统尚未审核", type="DecisionPending")
        if step == "broken":
            raise ApplicationError("自动填报程序需要维护", type="RobotBroken", non_retryable=True)
        return DecisionOutput(
            result="approved", decided_on="2026-11-30", amount="100", starts_on="2026-12-01"
        )

    @activity.defn(name="mark_delivery_running")
    def mark(self, data: MarkRunningInput) -> None:
        self.running.append(data.connector_id)

    @activity.defn(name="record_delivery_result")
    def record(self, data: RecordInput) -> None:
        self.recorded.append(data)

    @activity.defn(name="deliver")
    async def deliver(self, data: DeliverInput) -> DeliverOutput:
        self.attempts[data.connector_id] += 1
        step = self.scripts[data.connector_id][self.attempts[data.connector_id] - 1]
        if step == "ok":
            return DeliverOutput(status="succeeded", receipt_no=f"R-{data.connector_id}")
        if step == "down":
            raise ApplicationError("目标系统暂时无法访问", type="TargetUnavailable")
        if step == "reject":
            raise ApplicationError(
                "公民身份号码校验位错误", type="BusinessRejection", non_retryable=True
            )
        raise ApplicationError("自动填报程序需要维护", type="RobotBroken", non_retryable=True)


def _plan(
    connector_id: str, attempts: int = 5, decisions: DecisionPlan | None = None
) -> TargetPlan:
    return TargetPlan(
        connector_id=connector_id,
        start_to_close_timeout_s=10,
        heartbeat_timeout_s=10,
        retry=RetryDecl(
            initial_interval_s=0.1, backoff=1.0, maximum_interval_s=0.2, maximum_attempts=attempts
        ),
        decisions=decisions,
    )


_QUICK_DECISIONS = DecisionPlan(first_check_s=0.1, maximum_interval_s=0.2, give_up_after_s=30)


async def _run(env: WorkflowEnvironment, fake: FakeTargets, plans: list[TargetPlan]) -> object:
    queue_workers = [
        Worker(
            env.client,
            task_queue=connector_queue(p.connector_id),
            activities=[fake.deliver, fake.check_decision],
        )
        for p in plans
    ]
    with ThreadPoolExecutor(4) as pool:
        orchestration = Worker(
            env.client,
            task_queue=ORCHESTRATION,
            workflows=[SubmissionWorkflow],
            activities=[fake.mark, fake.record, fake.record_decision],
            activity_executor=pool,
        )
        async with AsyncExitStack() as running:
            for worker in [orchestration, *queue_workers]:
                await running.enter_async_context(worker)
            return await env.client.execute_workflow(
                SubmissionWorkflow.run,
                SubmissionInput(
                    submission_id=uuid.uuid4().hex, form_title="高龄津贴申请", targets=plans
                ),
                id=f"submission-{uuid.uuid4().hex}",
                task_queue=ORCHESTRATION,
            )


async def test_fans_out_to_every_target_and_records_each_result_once(temporal_env):
    fake = FakeTargets({"robot_sys": ["ok"], "api_sys": ["ok"]})
    result = await _run(temporal_env, fake, [_plan("robot_sys"), _plan("api_sys")])
    assert {k: v.receipt_no for k, v in result.outcomes.items()} == {
        "robot_sys": "R-robot_sys",
        "api_sys": "R-api_sys",
    }
    assert sorted(r.connector_id for r in fake.recorded) == ["api_sys", "robot_sys"]
    assert sorted(fake.running) == ["api_sys", "robot_sys"]


async def test_outage_is_retried_until_the_target_answers(temporal_env):
    fake = FakeTargets({"robot_sys": ["down", "down", "ok"], "api_sys": ["ok"]})
    result = await _run(temporal_env, fake, [_plan("robot_sys"), _plan("api_sys")])
    assert fake.attempts["robot_sys"] == 3
    assert result.outcomes["robot_sys"].status == "succeeded"


async def test_business_rejection_is_not_retried_and_keeps_the_targets_reason(temporal_env):
    fake = FakeTargets({"robot_sys": ["reject", "ok"], "api_sys": ["ok"]})
    result = await _run(temporal_env, fake, [_plan("robot_sys"), _plan("api_sys")])
    assert fake.attempts["robot_sys"] == 1
    rejected = result.outcomes["robot_sys"]
    assert (rejected.status, rejected.message) == ("rejected", "公民身份号码校验位错误")
    assert result.outcomes["api_sys"].status == "succeeded"  # other targets untouched
    recorded = {r.connector_id: r.outcome.status for r in fake.recorded}
    assert recorded == {"robot_sys": "rejected", "api_sys": "succeeded"}


async def test_broken_robot_fails_without_retry(temporal_env):
    fake = FakeTargets({"robot_sys": ["broken", "ok"], "api_sys": ["ok"]})
    result = await _run(temporal_env, fake, [_plan("robot_sys"), _plan("api_sys")])
    assert fake.attempts["robot_sys"] == 1
    assert result.outcomes["robot_sys"].status == "failed"


async def test_gives_up_after_the_connectors_attempt_limit(temporal_env):
    fake = FakeTargets({"robot_sys": ["down"] * 3, "api_sys": ["ok"]})
    result = await _run(temporal_env, fake, [_plan("robot_sys", attempts=3), _plan("api_sys")])
    assert fake.attempts["robot_sys"] == 3
    assert result.outcomes["robot_sys"].status == "failed"
    assert result.outcomes["robot_sys"].message == "目标系统暂时无法访问"


async def test_waits_for_the_targets_decision_and_records_it_once(temporal_env):
    fake = FakeTargets(
        {"robot_sys": ["ok"], "api_sys": ["ok"]},
        decisions={"robot_sys": ["pending", "pending", "approved"]},
    )
    plans = [_plan("robot_sys", decisions=_QUICK_DECISIONS), _plan("api_sys")]

    await _run(temporal_env, fake, plans)

    assert fake.checks == {"robot_sys": 3}  # polled until decided; api_sys reports none
    [recorded] = fake.decided
    assert recorded.connector_id == "robot_sys"
    assert (recorded.decision.result, recorded.decision.amount) == ("approved", "100")


async def test_no_decision_is_awaited_for_a_delivery_that_failed(temporal_env):
    fake = FakeTargets({"robot_sys": ["reject"]}, decisions={"robot_sys": ["approved"]})

    await _run(temporal_env, fake, [_plan("robot_sys", decisions=_QUICK_DECISIONS)])

    assert fake.checks == {}
    assert fake.decided == []


async def test_a_decision_never_given_ends_as_unknown_with_a_reason(temporal_env):
    fake = FakeTargets({"robot_sys": ["ok"]}, decisions={"robot_sys": ["pending"]})
    give_up = DecisionPlan(first_check_s=0.1, maximum_interval_s=0.2, give_up_after_s=2)

    await _run(temporal_env, fake, [_plan("robot_sys", decisions=give_up)])

    assert fake.checks["robot_sys"] >= 2
    [recorded] = fake.decided
    assert recorded.decision.result == "unknown"
    assert "未给出审核结果" in (recorded.decision.reason or "")


async def test_a_broken_decision_check_stops_polling_and_says_why(temporal_env):
    fake = FakeTargets({"robot_sys": ["ok"]}, decisions={"robot_sys": ["broken", "approved"]})

    await _run(temporal_env, fake, [_plan("robot_sys", decisions=_QUICK_DECISIONS)])

    assert fake.checks["robot_sys"] == 1
    [recorded] = fake.decided
    assert recorded.decision.result == "unknown"
    assert "自动填报程序需要维护" in (recorded.decision.reason or "")
