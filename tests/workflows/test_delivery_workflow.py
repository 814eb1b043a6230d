"""Each target's delivery is a child workflow: found by what it is, searchable by operators,
and held back outside the target's office hours."""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from temporalio.client import WorkflowExecutionStatus

from tests.workflows.test_submission_workflow import FakeTargets, _plan, _until, _workers
from workflows._hours import BEIJING, OfficeHours
from workflows.delivery import delivery_id
from workflows.models import SubmissionInput
from workflows.queues import ORCHESTRATION, connector_queue
from workflows.submission import SubmissionWorkflow


async def _visible(client, query: str, expected: int, seconds: float = 20) -> list:
    """Visibility is eventually consistent: wait until the query finds what it should."""
    found: list = []
    for _ in range(int(seconds * 10)):
        found = [w async for w in client.list_workflows(query)]
        if len(found) >= expected:
            return found
        await asyncio.sleep(0.1)
    return found


async def test_each_target_is_a_child_named_by_submission_and_target(temporal_env):
    fake = FakeTargets({"robot_sys": ["ok"], "api_sys": ["reject"]})
    plans = [_plan("robot_sys"), _plan("api_sys")]
    submission_id = uuid.uuid4().hex
    with ThreadPoolExecutor(4) as pool:
        async with AsyncExitStack() as running:
            for worker in _workers(temporal_env, fake, plans, pool):
                await running.enter_async_context(worker)
            result = await temporal_env.client.execute_workflow(
                SubmissionWorkflow.run,
                SubmissionInput(
                    children=True,
                    submission_id=submission_id,
                    form_title="高龄津贴申请",
                    targets=plans,
                    community_code="320106001001",
                    form_id="elderly-allowance",
                ),
                id=f"submission-{submission_id}",
                task_queue=ORCHESTRATION,
            )
    assert result.outcomes["api_sys"].error_type == "BusinessRejection"
    for target, status in [("robot_sys", "succeeded"), ("api_sys", "rejected")]:
        child = temporal_env.client.get_workflow_handle(delivery_id(submission_id, target))
        described = await child.describe()
        assert described.status == WorkflowExecutionStatus.COMPLETED
        assert described.task_queue == connector_queue(target)  # beside the target's robots
        assert described.parent_id == f"submission-{submission_id}"
        found = await _visible(
            temporal_env.client,
            f'WorkflowId = "{child.id}" AND TargetSystem = "{target}" '
            f'AND DeliveryStatus = "{status}" AND CommunityCode = "320106001001" '
            f'AND FormId = "elderly-allowance" AND NeedsHuman = false',
            1,
        )
        assert [w.id for w in found] == [child.id]


async def test_a_delivery_waiting_for_her_login_is_marked_needs_human(temporal_env):
    fake = FakeTargets({"sso_sys": ["login", "ok"]})
    plans = [_plan("sso_sys")]
    submission_id = uuid.uuid4().hex
    with ThreadPoolExecutor(4) as pool:
        async with AsyncExitStack() as running:
            for worker in _workers(temporal_env, fake, plans, pool):
                await running.enter_async_context(worker)
            handle = await temporal_env.client.start_workflow(
                SubmissionWorkflow.run,
                SubmissionInput(
                    children=True, submission_id=submission_id, form_title="低保", targets=plans
                ),
                id=f"submission-{submission_id}",
                task_queue=ORCHESTRATION,
            )
            child = delivery_id(submission_id, "sso_sys")
            waiting = await _visible(
                temporal_env.client,
                f'WorkflowId = "{child}" AND NeedsHuman = true AND DeliveryStatus = "needs_login"',
                1,
            )
            assert [w.id for w in waiting] == [child]
            # The portal signals the submission; it reaches the delivery that waits.
            await handle.signal(SubmissionWorkflow.sso_renewed, "sso_sys")
            result = await handle.result()
    assert result.outcomes["sso_sys"].status == "succeeded"
    done = await _visible(temporal_env.client, f'WorkflowId = "{child}" AND NeedsHuman = false', 1)
    assert [w.id for w in done] == [child]


def _closed_now() -> OfficeHours:
    """Office hours that are over for today and open again tomorrow (China time)."""
    now = datetime.now(BEIJING)
    return OfficeHours(days=list(range(1, 8)), start="00:00", end=f"{now:%H}:00")


async def test_outside_office_hours_the_delivery_waits_and_says_until_when(temporal_env):
    hours = _closed_now()
    if hours.opens_at(datetime.now(UTC)) is None:  # the first minutes of a Beijing day
        hours = OfficeHours(days=list(range(1, 8)), start="23:59", end="23:59")
    fake = FakeTargets({"robot_sys": ["ok"], "api_sys": ["ok"]})
    plans = [_plan("robot_sys"), _plan("api_sys")]
    plans[0].office_hours = hours
    submission_id = uuid.uuid4().hex
    with ThreadPoolExecutor(4) as pool:
        async with AsyncExitStack() as running:
            for worker in _workers(temporal_env, fake, plans, pool):
                await running.enter_async_context(worker)
            handle = await temporal_env.client.start_workflow(
                SubmissionWorkflow.run,
                SubmissionInput(
                    children=True, submission_id=submission_id, form_title="高龄津贴", targets=plans
                ),
                id=f"submission-{submission_id}",
                task_queue=ORCHESTRATION,
            )
            await _until(lambda: bool(fake.waiting) and len(fake.recorded) == 1)
            await handle.cancel()
    [waiting] = fake.waiting
    assert (waiting.connector_id, waiting.status) == ("robot_sys", "waiting_hours")
    opens = hours.opens_at(datetime.now(UTC))
    assert opens is not None
    local = opens.astimezone(BEIJING)
    assert f"将于{local.month}月{local.day}日 {local:%H:%M} 自动提交" in waiting.message
    assert "每天" in waiting.message
    assert fake.attempts["robot_sys"] == 0  # nothing filed outside its hours
    assert [r.connector_id for r in fake.recorded] == ["api_sys"]  # the others go on


@given(
    moment=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
    ),
    days=st.sets(st.integers(1, 7), min_size=1),
    start=st.integers(0, 23 * 60),
    length=st.integers(1, 8 * 60),
)
def test_office_hours_open_at_the_first_opening_after_now(moment, days, start, length):
    end = min(start + length, 23 * 60 + 59)
    hours = OfficeHours(
        days=sorted(days),
        start=f"{start // 60:02d}:{start % 60:02d}",
        end=f"{end // 60:02d}:{end % 60:02d}",
    )
    opens = hours.opens_at(moment)
    local = moment.astimezone(BEIJING)
    minutes = local.hour * 60 + local.minute
    is_open = local.isoweekday() in days and start <= minutes < end
    if is_open:
        assert opens is None
        return
    assert opens is not None and opens > moment
    opening = opens.astimezone(BEIJING)
    assert opening.isoweekday() in days
    assert (opening.hour * 60 + opening.minute, opening.second) == (start, 0)
    assert opens - moment <= timedelta(days=7)
    # No opening is skipped: every earlier day's opening lies before now, or on a closed day.
    day = local.date()
    while day < opening.date():
        earlier = datetime.combine(day, opening.timetz())
        assert earlier <= local or day.isoweekday() not in days
        day += timedelta(days=1)


def test_office_hours_are_described_in_chinese():
    assert OfficeHours(days=[1, 2, 3, 4, 5], start="08:30", end="17:30").describe() == (
        "工作日 08:30–17:30"
    )
    assert OfficeHours(days=[1, 3], start="09:00", end="12:00").describe() == (
        "周一、周三 09:00–12:00"
    )
