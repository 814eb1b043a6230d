"""She withdraws a submission while it is being delivered: deliveries not yet filed stop (the
robot's cancellation arrives through its heartbeats, and its browser context closes) and say
已撤回; one that had already filed keeps its receipt. Real HubActivities, store and workflows on
the session's Temporal server; the connectors are stand-ins that file slowly."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack

import pytest
from sqlmodel import select
from temporalio.client import WorkflowExecutionStatus, WorkflowFailureError

from connectors.sdk import Application, DeliveryContext, FieldDecl, Manifest, Receipt
from connectors.sdk.testing import sample_application
from hub.store import Delivery, session_scope, view_submission
from hub.store._models import Submission
from tests.factories import add_community, add_resident, add_submission, make_store, make_vault
from workflows.activities import HubActivities
from workflows.delivery import delivery_id
from workflows.models import RetryDecl, SubmissionInput, TargetPlan
from workflows.queues import ORCHESTRATION
from workflows.submission import SubmissionWorkflow
from workflows.worker import hub_workers


class SlowConnector:
    """Files only after `filing_s`; with `files_first`, has the receipt at once and then
    lingers (a confirmation page, a screenshot) before returning."""

    def __init__(self, connector_id: str, *, files_first: bool = False, filing_s: float = 60):
        self.manifest = Manifest(
            id=connector_id,
            name=f"{connector_id} 系统",
            version="1",
            kind="api",
            auth="api_key",
            allowed_hosts=["127.0.0.1"],
            business_type="测试",
            fields=[FieldDecl(name="姓名", label="姓名")],
        )
        self.files_first = files_first
        self.filing_s = filing_s
        self.started = asyncio.Event()
        self.stopped: list[str] = []  # how each attempt ended

    def map(self, application: Application) -> dict[str, str]:
        return {"姓名": application.name}

    async def deliver(self, ctx: DeliveryContext, application: Application) -> Receipt:
        receipt = f"R-{self.manifest.id}"
        if self.files_first:
            ctx.heartbeat({"step": "submitted", "receipt_no": receipt})
        self.started.set()
        try:
            for _ in range(int(self.filing_s * 10)):
                ctx.heartbeat(
                    *(({"step": "submitted", "receipt_no": receipt},) if self.files_first else ())
                )
                await asyncio.sleep(0.1)
        except asyncio.CancelledError:
            self.stopped.append("cancelled")  # where a robot's `async with` closes its context
            raise
        self.stopped.append("finished")
        return Receipt(receipt_no=receipt)


@pytest.fixture
async def hub(tmp_path, temporal_env) -> AsyncIterator[tuple]:
    engine, cipher = make_store(tmp_path)
    with session_scope(engine) as session:
        add_community(session)
    connectors = {
        "quick_sys": SlowConnector("quick_sys", filing_s=0),
        "slow_sys": SlowConnector("slow_sys"),
        "filed_sys": SlowConnector("filed_sys", files_first=True),
    }
    activities = HubActivities(
        engine=engine,
        cipher=cipher,
        vault=make_vault(),
        connectors=connectors,
        configs={},
        browsers=None,
    )
    with ThreadPoolExecutor(4) as pool:
        async with AsyncExitStack() as running:
            for worker in hub_workers(temporal_env.client, activities, connectors, pool):
                await running.enter_async_context(worker)
            yield engine, cipher, connectors
    engine.dispose()


def _plan(connector_id: str) -> TargetPlan:
    return TargetPlan(
        connector_id=connector_id,
        start_to_close_timeout_s=120,
        heartbeat_timeout_s=2,
        retry=RetryDecl(
            initial_interval_s=0.2, backoff=1.0, maximum_interval_s=0.5, maximum_attempts=3
        ),
    )


async def test_withdrawing_stops_what_is_not_filed_and_keeps_what_is(hub, temporal_env):
    engine, cipher, connectors = hub
    targets = ("quick_sys", "slow_sys", "filed_sys")
    with session_scope(engine) as session:
        resident = add_resident(session, cipher, name="周桂英", birth="19400101", sex="2")
        sample = sample_application("elderly-allowance").model_dump(mode="json")
        data = {k: v for k, v in sample.items() if k not in ("form_id", "answers")}
        submission_id = add_submission(
            session, cipher, resident, targets=targets, data={**data, **sample["answers"]}
        ).id
    handle = await temporal_env.client.start_workflow(
        SubmissionWorkflow.run,
        SubmissionInput(
            children=True,
            submission_id=submission_id,
            form_title="高龄津贴申请",
            targets=[_plan(t) for t in targets],
        ),
        id=f"submission-{submission_id}",
        task_queue=ORCHESTRATION,
    )
    await asyncio.wait_for(connectors["slow_sys"].started.wait(), 30)
    await asyncio.wait_for(connectors["filed_sys"].started.wait(), 30)
    await asyncio.sleep(0.5)

    await handle.cancel()  # what 撤回报送 does (hub/withdrawing.py)

    with pytest.raises(WorkflowFailureError):
        await handle.result()
    assert (await handle.describe()).status == WorkflowExecutionStatus.CANCELED
    ended = {
        target: (
            await temporal_env.client.get_workflow_handle(
                delivery_id(submission_id, target)
            ).describe()
        ).status
        for target in targets
    }
    assert ended == {
        "quick_sys": WorkflowExecutionStatus.COMPLETED,
        "slow_sys": WorkflowExecutionStatus.CANCELED,
        "filed_sys": WorkflowExecutionStatus.COMPLETED,  # it had filed: its receipt is recorded
    }
    # The robots stopped when told, through their heartbeats, and were not tried again.
    assert connectors["slow_sys"].stopped == ["cancelled"]
    assert connectors["filed_sys"].stopped == ["cancelled"]
    with session_scope(engine) as session:
        rows = session.exec(select(Delivery).where(Delivery.submission_id == submission_id))
        deliveries = {d.target: (d.status, d.receipt_no) for d in rows}
        view = view_submission(session=session, submission=session.get(Submission, submission_id))
    assert deliveries == {
        "quick_sys": ("succeeded", "R-quick_sys"),
        "slow_sys": ("withdrawn", None),
        "filed_sys": ("succeeded", "R-filed_sys"),  # the target has it: filed is filed
    }
    assert view.status == "withdrawn"
