"""A target asks something only a person can answer: the delivery pauses, she answers through the
delivery workflow's update (validated), and the robot, still waiting inside its attempt, goes on.
Real HubActivities, store and workflows on the session's Temporal server; the connector is a
stand-in that asks for a CAPTCHA and files with whatever she typed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine
from sqlmodel import select
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from connectors.sdk import (
    Application,
    DeliveryContext,
    FieldDecl,
    HumanQuestion,
    Manifest,
    Receipt,
)
from connectors.sdk.testing import sample_application
from hub.crypto import FieldCipher
from hub.store import HumanTask, OpenTask, open_tasks, session_scope
from hub.store._models import Delivery
from tests.factories import add_community, add_resident, add_submission, make_store, make_vault
from workflows._asking import TIMED_OUT
from workflows.activities import HubActivities
from workflows.delivery import ANSWER_UPDATE, delivery_id
from workflows.models import HumanAnswer, RetryDecl, SubmissionInput, TargetPlan
from workflows.queues import ORCHESTRATION
from workflows.submission import SubmissionWorkflow
from workflows.worker import hub_workers

CAPTCHA = b"\x89PNG\r\n\x1a\n a captcha"


class AskingConnector:
    def __init__(self, wait_s: float) -> None:
        self.manifest = Manifest(
            id="asking_sys",
            name="验证码测试系统",
            version="1",
            kind="api",
            auth="api_key",
            allowed_hosts=["127.0.0.1"],
            business_type="测试",
            fields=[FieldDecl(name="姓名", label="姓名")],
            human_wait_s=wait_s,
            start_to_close_timeout_s=wait_s + 30,
        )
        self.answers: list[str] = []

    def map(self, application: Application) -> dict[str, str]:
        return {"姓名": application.name}

    async def deliver(self, ctx: DeliveryContext, application: Application) -> Receipt:
        ctx.heartbeat({"step": "login page open"})
        answer = await ctx.ask_human(
            HumanQuestion(kind="captcha", prompt="请输入图中的验证码", image=CAPTCHA)
        )
        self.answers.append(answer)
        return Receipt(receipt_no=f"R-{answer}")


@dataclass
class Hub:
    engine: Engine
    cipher: FieldCipher
    env: WorkflowEnvironment
    connector: AskingConnector

    async def submit(self) -> tuple[str, WorkflowHandle]:
        with session_scope(self.engine) as session:
            resident = add_resident(session, self.cipher, name="周桂英", birth="19400101", sex="2")
            sample = sample_application("elderly-allowance").model_dump(mode="json")
            data = {k: v for k, v in sample.items() if k not in ("form_id", "answers")}
            submission = add_submission(
                session,
                self.cipher,
                resident,
                targets=("asking_sys",),
                data={**data, **sample["answers"]},
            )
            submission_id = submission.id
        plan = TargetPlan(
            connector_id="asking_sys",
            start_to_close_timeout_s=self.connector.manifest.start_to_close_timeout_s,
            heartbeat_timeout_s=10,
            retry=RetryDecl(
                initial_interval_s=0.2, backoff=1.0, maximum_interval_s=0.5, maximum_attempts=2
            ),
        )
        handle = await self.env.client.start_workflow(
            SubmissionWorkflow.run,
            SubmissionInput(
                children=True,
                submission_id=submission_id,
                form_title="高龄津贴申请",
                targets=[plan],
            ),
            id=f"submission-{submission_id}",
            task_queue=ORCHESTRATION,
        )
        return submission_id, handle

    async def task(self, submission_id: str) -> OpenTask:
        for _ in range(200):
            with session_scope(self.engine) as session:
                tasks = open_tasks(session=session, submission_id=submission_id)
            if tasks:
                return tasks[0]
            await asyncio.sleep(0.05)
        raise AssertionError("no task for her")

    def delivery(self, submission_id: str) -> Delivery:
        with session_scope(self.engine) as session:
            delivery = session.exec(
                select(Delivery).where(Delivery.submission_id == submission_id)
            ).one()
            session.expunge(delivery)
            return delivery

    def answer(self, submission_id: str, task_id: str, answer: str) -> object:
        child = self.env.client.get_workflow_handle(delivery_id(submission_id, "asking_sys"))
        return child.execute_update(
            ANSWER_UPDATE, HumanAnswer(task_id=task_id, answer=answer, answered_by="worker-yuqi")
        )


async def _hub(tmp_path, env: WorkflowEnvironment, wait_s: float) -> AsyncIterator[Hub]:
    engine, cipher = make_store(tmp_path)
    with session_scope(engine) as session:
        add_community(session)
    connector = AskingConnector(wait_s)
    activities = HubActivities(
        engine=engine,
        cipher=cipher,
        vault=make_vault(),
        connectors={"asking_sys": connector},
        configs={},
        browsers=None,
    )
    with ThreadPoolExecutor(4) as pool:
        async with AsyncExitStack() as running:
            for worker in hub_workers(env.client, activities, {"asking_sys": connector}, pool):
                await running.enter_async_context(worker)
            yield Hub(engine, cipher, env, connector)
    engine.dispose()


@pytest.fixture
async def hub(tmp_path, temporal_env) -> AsyncIterator[Hub]:
    async for h in _hub(tmp_path, temporal_env, wait_s=60):
        yield h


@pytest.fixture
async def impatient_hub(tmp_path, temporal_env) -> AsyncIterator[Hub]:
    async for h in _hub(tmp_path, temporal_env, wait_s=1.5):
        yield h


async def test_the_delivery_waits_for_her_answer_and_files_with_it(hub: Hub):
    submission_id, handle = await hub.submit()

    task = await hub.task(submission_id)
    assert (task.kind, task.prompt, task.has_image) == ("captcha", "请输入图中的验证码", True)
    delivery = hub.delivery(submission_id)
    assert (delivery.status, delivery.message) == ("needs_human", "请输入图中的验证码")
    with session_scope(hub.engine) as session:  # the image is kept encrypted
        stored = session.get(HumanTask, task.id)
        assert stored is not None and stored.image_enc and CAPTCHA not in stored.image_enc

    await hub.answer(submission_id, task.id, "  7kq2 ")
    result = await handle.result()

    assert result.outcomes["asking_sys"].receipt_no == "R-7kq2"  # as she typed it, trimmed
    assert hub.connector.answers == ["7kq2"]
    assert hub.delivery(submission_id).status == "succeeded"
    with session_scope(hub.engine) as session:
        assert open_tasks(session=session, submission_id=submission_id) == []
        stored = session.get(HumanTask, task.id)
        assert stored is not None and stored.answered_by == "worker-yuqi"
        assert stored.answer_enc is not None and b"7kq2" not in stored.answer_enc


async def test_the_update_refuses_an_empty_answer_and_a_stale_task(hub: Hub):
    submission_id, handle = await hub.submit()
    task = await hub.task(submission_id)

    with pytest.raises(WorkflowUpdateFailedError) as empty:
        await hub.answer(submission_id, task.id, "   ")
    assert "请输入验证码" in str(empty.value.cause)
    with pytest.raises(WorkflowUpdateFailedError) as stale:
        await hub.answer(submission_id, "0" * 32, "7kq2")
    assert "已过期" in str(stale.value.cause)
    assert hub.connector.answers == []  # neither reached the robot

    await hub.answer(submission_id, task.id, "x9y8")
    assert (await handle.result()).outcomes["asking_sys"].receipt_no == "R-x9y8"


async def test_an_unanswered_question_ends_the_delivery_with_a_clear_state(impatient_hub: Hub):
    hub = impatient_hub
    submission_id, handle = await hub.submit()
    task = await hub.task(submission_id)

    result = await handle.result()

    outcome = result.outcomes["asking_sys"]
    assert (outcome.status, outcome.message, outcome.error_type) == (
        "failed",
        TIMED_OUT,
        "HumanNeeded",
    )
    assert hub.delivery(submission_id).status == "failed"
    with session_scope(hub.engine) as session:
        stored = session.get(HumanTask, task.id)
        assert stored is not None and stored.state == "expired"
    # Her answer after the end is refused (the delivery is over), not kept for a robot gone.
    with pytest.raises(RPCError, match="already completed"):
        await hub.answer(submission_id, task.id, "7kq2")
    assert hub.connector.answers == []
