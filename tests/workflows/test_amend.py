"""修改后重新报送: a correction of an earlier submission is a new submission linked to it; each
target that filed the earlier one and can amend gets the correction under its receipt; one that
cannot is shown as 需手工修改 with that receipt, and no robot goes there. Real hub functions,
store, HubActivities and workflows on the session's Temporal server; stand-in connectors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack
from datetime import date
from types import SimpleNamespace

import pytest
from sqlmodel import select

from connectors.city_data._manifest import MANIFEST as CITY_DATA
from connectors.sdk import Amends, Application, DeliveryContext, FieldDecl, Manifest, Receipt
from connectors.sdk.testing import SAMPLE_ANSWERS
from hub.errors import InvalidInput
from hub.settings import Settings
from hub.store import Delivery, session_scope, view_submission
from hub.store._models import Submission
from hub.submitting import create, start_fan_out
from tests.factories import COMMUNITY, add_community, add_resident, make_store, make_vault
from workflows.activities import HubActivities
from workflows.delivery import delivery_id
from workflows.worker import hub_workers

ANSWERS = {
    **SAMPLE_ANSWERS["elderly-allowance"],
    "phone": "13901000101",
    "address": "无锡市惠山区玉祁街道玉祁社区1幢1单元101室",
    "applied_on": date.today().isoformat(),
}


class Filing:
    def __init__(self, connector_id: str, manifest: Manifest | None = None) -> None:
        self.manifest = manifest or Manifest(
            id=connector_id,
            name=f"{connector_id} 系统",
            version="1",
            kind="api",
            auth="api_key",
            allowed_hosts=["127.0.0.1"],
            business_type="测试",
            fields=[FieldDecl(name="账号", label="账号")],
        )
        self.filed: list[str] = []  # bank accounts, as filed

    def map(self, application: Application) -> dict[str, str]:
        return {"账号": application.answer("bank_account")}

    async def deliver(self, ctx: DeliveryContext, application: Application) -> Receipt:
        self.filed.append(application.answer("bank_account"))
        return Receipt(receipt_no=f"R-{self.manifest.id}-{len(self.filed)}")


class Amending(Filing):
    def __init__(self, connector_id: str) -> None:
        super().__init__(connector_id)
        self.amended: list[tuple[str, str]] = []  # (receipt, bank account)

    async def amend(
        self, ctx: DeliveryContext, application: Application, receipt_no: str
    ) -> Receipt:
        self.amended.append((receipt_no, application.answer("bank_account")))
        return Receipt(receipt_no=receipt_no)


@pytest.fixture
async def hub(tmp_path, temporal_env) -> AsyncIterator[SimpleNamespace]:
    engine, cipher = make_store(tmp_path)
    with session_scope(engine) as session:
        add_community(session)
        resident = add_resident(session, cipher, name="周桂英", birth="19360101", sex="2")
        resident_id = resident.id
    # The elderly-allowance form's targets: one can amend, two cannot. The data-sharing
    # platform's real fields, as the form maps them in its own table.
    connectors = {
        "civil_affairs": Filing("civil_affairs"),
        "elderly_api": Amending("elderly_api"),
        "city_data": Filing("city_data", manifest=CITY_DATA),
    }
    assert isinstance(connectors["elderly_api"], Amends)
    assert not isinstance(connectors["civil_affairs"], Amends)
    activities = HubActivities(
        engine=engine, cipher=cipher, vault=make_vault(), connectors=connectors, configs={},
        browsers=None,
    )  # fmt: skip
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
            yield SimpleNamespace(
                engine=engine, state=state, connectors=connectors, resident_id=resident_id
            )
    engine.dispose()


async def _submit(hub, key: str, account: str, amends: str | None = None) -> str:
    answers = {**ANSWERS, "bank_account": account}
    with session_scope(hub.engine) as session:
        submission, _ = create(
            state=hub.state,
            session=session,
            community=COMMUNITY,
            username="worker-a",
            resident_id=hub.resident_id,
            form_id="elderly-allowance",
            client_key=key,
            answers=answers,
            amends=amends,
        )
        submission_id = submission.id
    with session_scope(hub.engine) as session:
        await start_fan_out(state=hub.state, submission=session.get(Submission, submission_id))
    await hub.state.temporal.get_workflow_handle(f"submission-{submission_id}").result()
    return submission_id


def _lines(hub, submission_id: str) -> dict[str, tuple[str, str | None, str | None]]:
    with session_scope(hub.engine) as session:
        rows = session.exec(select(Delivery).where(Delivery.submission_id == submission_id))
        return {d.target: (d.status, d.receipt_no, d.message) for d in rows}


async def _activities_run(hub, workflow_id: str) -> list[str]:
    history = await hub.state.temporal.get_workflow_handle(workflow_id).fetch_history()
    return [
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in history.events
        if e.HasField("activity_task_scheduled_event_attributes")
    ]


async def test_a_correction_amends_where_it_can_and_says_where_it_cannot(hub):
    first = await _submit(hub, "first-key-0001", "6228480402564890018")
    assert _lines(hub, first) == {
        "civil_affairs": ("succeeded", "R-civil_affairs-1", None),
        "elderly_api": ("succeeded", "R-elderly_api-1", None),
        "city_data": ("succeeded", "R-city_data-1", None),
    }
    # The deliver activity wrote its success back itself: no separate record activity ran.
    assert await _activities_run(hub, delivery_id(first, "civil_affairs")) == ["deliver"]

    second = await _submit(hub, "second-key-001", "6228480402564890026", amends=first)

    assert hub.connectors["elderly_api"].amended == [("R-elderly_api-1", "6228480402564890026")]
    assert await _activities_run(hub, delivery_id(second, "elderly_api")) == ["amend"]
    assert hub.connectors["elderly_api"].filed == ["6228480402564890018"]  # not filed anew
    assert hub.connectors["civil_affairs"].filed == ["6228480402564890018"]  # no robot went
    assert hub.connectors["city_data"].filed == ["6228480402564890018"]
    assert _lines(hub, second) == {
        "civil_affairs": (
            "manual",
            None,
            "该系统不支持自动修改，请登录该系统按受理编号 R-civil_affairs-1 手工修改",
        ),
        "elderly_api": ("succeeded", "R-elderly_api-1", None),
        "city_data": (
            "manual",
            None,
            "该系统不支持自动修改，请登录该系统按受理编号 R-city_data-1 手工修改",
        ),
    }
    with session_scope(hub.engine) as session:
        old = view_submission(session=session, submission=session.get(Submission, first))
        new = view_submission(session=session, submission=session.get(Submission, second))
    assert (old.amended_by, new.amends_id) == (second, first)  # linked, the old one unchanged
    assert _lines(hub, first)["elderly_api"] == ("succeeded", "R-elderly_api-1", None)

    # Only the newest may be corrected, and a double tap of the same correction is one.
    with session_scope(hub.engine) as session, pytest.raises(InvalidInput) as again:
        create(
            state=hub.state,
            session=session,
            community=COMMUNITY,
            username="worker-a",
            resident_id=hub.resident_id,
            form_id="elderly-allowance",
            client_key="third-key-0001",
            answers=ANSWERS,
            amends=first,
        )
    assert again.value.user_message == "该报送已修改过，请修改最新的一份"
