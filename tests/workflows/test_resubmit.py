"""重新报送: a submission whose delivery to one target failed goes again to that target only; the
target that accepted it is not asked again. Real hub function, store, HubActivities and workflows
on the session's Temporal server; the connectors are stand-ins."""

from __future__ import annotations

from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack
from types import SimpleNamespace

import pytest
from sqlmodel import select

from connectors.sdk import Application, DeliveryContext, FieldDecl, Manifest, Receipt
from connectors.sdk.testing import sample_application
from hub.errors import Forbidden, InvalidInput, RobotBroken
from hub.resubmitting import resubmit_failed
from hub.settings import Settings
from hub.store import Delivery, session_scope, view_submission
from hub.store._models import Submission
from hub.submitting import start_fan_out
from tests.factories import add_community, add_resident, add_submission, make_store, make_vault
from workflows.activities import HubActivities
from workflows.worker import hub_workers


class Scripted:
    """Fails (robot broken) while `broken`, files otherwise; counts what it was asked."""

    def __init__(self, connector_id: str, *, broken: bool = False) -> None:
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
        self.broken = broken
        self.calls = 0

    def map(self, application: Application) -> dict[str, str]:
        return {"姓名": application.name}

    async def deliver(self, ctx: DeliveryContext, application: Application) -> Receipt:
        self.calls += 1
        if self.broken:
            raise RobotBroken("the page changed")
        return Receipt(receipt_no=f"R-{self.manifest.id}-{self.calls}")


@pytest.fixture
async def hub(tmp_path, temporal_env) -> AsyncIterator[SimpleNamespace]:
    engine, cipher = make_store(tmp_path)
    with session_scope(engine) as session:
        add_community(session)
    connectors = {
        "civil_affairs": Scripted("civil_affairs", broken=True),
        "elderly_api": Scripted("elderly_api"),
    }
    activities = HubActivities(
        engine=engine,
        cipher=cipher,
        vault=make_vault(),
        connectors=connectors,
        configs={},
        browsers=None,
    )
    state = SimpleNamespace(
        temporal=temporal_env.client,
        connectors=connectors,
        settings=Settings(),
        cipher=cipher,
        engine=engine,
    )
    with ThreadPoolExecutor(4) as pool:
        async with AsyncExitStack() as running:
            for worker in hub_workers(temporal_env.client, activities, connectors, pool):
                await running.enter_async_context(worker)
            yield SimpleNamespace(engine=engine, cipher=cipher, connectors=connectors, state=state)
    engine.dispose()


def _deliveries(engine, submission_id: str) -> dict[str, tuple[str, str | None]]:
    with session_scope(engine) as session:
        rows = session.exec(select(Delivery).where(Delivery.submission_id == submission_id))
        return {d.target: (d.status, d.receipt_no) for d in rows}


async def test_only_the_failed_target_is_delivered_again(hub, temporal_env):
    with session_scope(hub.engine) as session:
        resident = add_resident(session, hub.cipher, name="李秀兰", birth="19380122", sex="2")
        sample = sample_application("elderly-allowance").model_dump(mode="json")
        data = {k: v for k, v in sample.items() if k not in ("form_id", "answers")}
        submission = add_submission(
            session, hub.cipher, resident, created_by="worker-a", data={**data, **sample["answers"]}
        )
        submission_id = submission.id
    with session_scope(hub.engine) as session:
        submission = session.get(Submission, submission_id)
        await start_fan_out(state=hub.state, submission=submission)
    handle = temporal_env.client.get_workflow_handle(f"submission-{submission_id}")
    await handle.result()
    assert _deliveries(hub.engine, submission_id) == {
        "civil_affairs": ("failed", None),
        "elderly_api": ("succeeded", "R-elderly_api-1"),
    }

    hub.connectors["civil_affairs"].broken = False  # IT mended the robot
    with session_scope(hub.engine) as session:
        submission = session.get(Submission, submission_id)
        with pytest.raises(Forbidden):  # a colleague cannot resubmit in her name
            await resubmit_failed(
                state=hub.state,
                session=session,
                submission=submission,
                username="worker-c",
                subject_token=None,
            )
        again = await resubmit_failed(
            state=hub.state,
            session=session,
            submission=submission,
            username="worker-a",
            subject_token=None,
        )
    assert again == ["civil_affairs"]
    await handle.result()  # the new run, under the same workflow id

    assert _deliveries(hub.engine, submission_id) == {
        "civil_affairs": ("succeeded", "R-civil_affairs-2"),
        "elderly_api": ("succeeded", "R-elderly_api-1"),  # not asked again
    }
    assert (hub.connectors["civil_affairs"].calls, hub.connectors["elderly_api"].calls) == (2, 1)
    with session_scope(hub.engine) as session:
        submission = session.get(Submission, submission_id)
        assert view_submission(session=session, submission=submission).status == "succeeded"
        with pytest.raises(InvalidInput) as nothing:
            await resubmit_failed(
                state=hub.state,
                session=session,
                submission=submission,
                username="worker-a",
                subject_token=None,
            )
    assert nothing.value.user_message == "没有需要重新报送的系统"
