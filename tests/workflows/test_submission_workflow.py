"""The submission workflow on a real Temporal server, with stand-in activities of the same names."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from temporalio import activity
from temporalio.client import WorkflowHandle
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from workflows.delivery import DeliveryWorkflow
from workflows.models import (
    CheckDecisionInput,
    DecisionOutput,
    DecisionPlan,
    DeliverInput,
    DeliverOutput,
    MarkNeedsLoginInput,
    MarkRunningInput,
    MarkWaitingInput,
    RecordDecisionInput,
    RecordInput,
    RetryDecl,
    SubmissionInput,
    TargetPlan,
)
from workflows.queues import ORCHESTRATION, connector_queue
from workflows.submission import RELOGIN_TIMED_OUT, SubmissionWorkflow


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
        self.needs_login: list[MarkNeedsLoginInput] = []
        self.waiting: list[MarkWaitingInput] = []
        self.withdrawn: list[str] = []
        self.cancelled: list[str] = []  # attempts that saw their cancellation

    @activity.defn(name="mark_delivery_withdrawn")
    def mark_withdrawn(self, data: MarkRunningInput) -> None:
        self.withdrawn.append(data.connector_id)

    @activity.defn(name="mark_delivery_waiting")
    def mark_waiting(self, data: MarkWaitingInput) -> None:
        self.waiting.append(data)

    @activity.defn(name="mark_delivery_needs_login")
    def mark_needs_login(self, data: MarkNeedsLoginInput) -> None:
        self.needs_login.append(data)

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
        self.running.append(data.connector_id)  # as the hub's activity marks it as it starts
        self.attempts[data.connector_id] += 1
        step = self.scripts[data.connector_id][self.attempts[data.connector_id] - 1]
        if step == "ok":
            outcome = DeliverOutput(status="succeeded", receipt_no=f"R-{data.connector_id}")
            if data.form_title is None:  # as the hub's activity: the workflow records it
                return outcome
            self.recorded.append(  # as the hub's activity: success written back as it is had
                RecordInput(
                    submission_id=data.submission_id,
                    connector_id=data.connector_id,
                    form_title=data.form_title,
                    outcome=outcome,
                )
            )
            return outcome.model_copy(update={"recorded": True})
        if step == "down":
            raise ApplicationError("目标系统暂时无法访问", type="TargetUnavailable")
        if step == "login":  # her single-sign-on token has expired
            raise ApplicationError(
                "社会救助系统需要确认您的身份", type="SsoLoginRequired", non_retryable=True
            )
        if step == "hang":  # a slow target: waits until the attempt is cancelled
            try:
                await asyncio.sleep(60)
            except asyncio.CancelledError:
                self.cancelled.append(data.connector_id)
                raise
        if step == "reject":
            raise ApplicationError(
                "公民身份号码校验位错误", type="BusinessRejection", non_retryable=True
            )
        raise ApplicationError("自动填报程序需要维护", type="RobotBroken", non_retryable=True)


def _plan(
    connector_id: str,
    attempts: int = 5,
    decisions: DecisionPlan | None = None,
    relogin_wait_s: float = 600,
    local: bool = False,
) -> TargetPlan:
    return TargetPlan(
        local=local,
        connector_id=connector_id,
        start_to_close_timeout_s=10,
        heartbeat_timeout_s=10,
        retry=RetryDecl(
            initial_interval_s=0.1, backoff=1.0, maximum_interval_s=0.2, maximum_attempts=attempts
        ),
        decisions=decisions,
        relogin_wait_s=relogin_wait_s,
    )


_QUICK_DECISIONS = DecisionPlan(first_check_s=0.1, maximum_interval_s=0.2, give_up_after_s=30)


def _workers(env: WorkflowEnvironment, fake: FakeTargets, plans: list[TargetPlan], pool):
    queue_workers = [
        Worker(
            env.client,
            task_queue=connector_queue(p.connector_id),
            workflows=[DeliveryWorkflow],
            activities=[fake.deliver, fake.check_decision],
        )
        for p in plans
    ]
    orchestration = Worker(
        env.client,
        task_queue=ORCHESTRATION,
        workflows=[SubmissionWorkflow],
        activities=[
            fake.mark,
            fake.mark_waiting,
            fake.mark_withdrawn,
            fake.mark_needs_login,
            fake.record,
            fake.record_decision,
        ],
        activity_executor=pool,
    )
    return [orchestration, *queue_workers]


@asynccontextmanager
async def _started(
    env: WorkflowEnvironment,
    fake: FakeTargets,
    plans: list[TargetPlan],
    form_title: str = "高龄津贴申请",
) -> AsyncIterator[WorkflowHandle]:
    """The workers running and a submission to these targets started: its handle."""
    with ThreadPoolExecutor(4) as pool:
        async with AsyncExitStack() as running:
            for worker in _workers(env, fake, plans, pool):
                await running.enter_async_context(worker)
            yield await env.client.start_workflow(
                SubmissionWorkflow.run,
                SubmissionInput(
                    children=True,
                    submission_id=uuid.uuid4().hex,
                    form_title=form_title,
                    targets=plans,
                ),
                id=f"submission-{uuid.uuid4().hex}",
                task_queue=ORCHESTRATION,
            )


async def _run(env: WorkflowEnvironment, fake: FakeTargets, plans: list[TargetPlan]) -> Any:
    async with _started(env, fake, plans) as handle:
        return await handle.result()


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


async def _until(condition, seconds: float = 20) -> None:
    for _ in range(int(seconds * 20)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not met in time")


async def test_an_expired_sign_on_waits_for_her_and_goes_on_once_she_logs_in(temporal_env):
    fake = FakeTargets({"sso_sys": ["login", "ok"], "api_sys": ["ok"]})
    plans = [_plan("sso_sys"), _plan("api_sys")]
    async with _started(temporal_env, fake, plans, "最低生活保障申请") as handle:
        await _until(lambda: fake.needs_login)
        # The other target is not held up by the one waiting for her.
        await _until(lambda: [r.connector_id for r in fake.recorded] == ["api_sys"])
        assert fake.attempts["sso_sys"] == 1  # not retried on its own: no new token yet

        await handle.signal(SubmissionWorkflow.sso_renewed, "sso_sys")
        result = await handle.result()

    assert result.outcomes["sso_sys"].receipt_no == "R-sso_sys"
    assert fake.attempts["sso_sys"] == 2
    assert [n.connector_id for n in fake.needs_login] == ["sso_sys"]
    assert "确认您的身份" in fake.needs_login[0].message
    assert fake.running.count("sso_sys") == 2  # back to 正在提交 after she logged in


async def test_a_login_never_renewed_ends_the_delivery_as_failed_with_a_reason(temporal_env):
    fake = FakeTargets({"sso_sys": ["login"]})
    result = await _run(temporal_env, fake, [_plan("sso_sys", relogin_wait_s=1)])

    outcome = result.outcomes["sso_sys"]
    assert (outcome.status, outcome.message) == ("failed", RELOGIN_TIMED_OUT)
    assert fake.attempts["sso_sys"] == 1
