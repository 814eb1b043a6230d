"""Per-target mappings as data (issue #7): a form version with a `[targets.<id>]` table hands
that target the fields the table makes (Application.mapped, through the connector's own `map`);
a target without one maps the application itself; a value the table cannot take is refused when
she submits, before anything is filed. Real hub functions, store, HubActivities and workflows on
the session's Temporal server; stand-in connectors with the real elderly_api and city_data
manifests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack
from types import SimpleNamespace

import pytest
from sqlmodel import select
from temporalio.api.enums.v1 import EventType

from connectors.city_data._manifest import MANIFEST as CITY_DATA
from connectors.city_data._mapping import to_target as city_data_target
from connectors.elderly_api._manifest import MANIFEST
from connectors.elderly_api._mapping import to_target
from connectors.sdk import Application, DeliveryContext, FieldDecl, Manifest, Receipt
from hub.errors import InvalidInput
from hub.forms import FORMS, FORMS_FOLDER
from hub.settings import Settings
from hub.store import publish_form, session_scope
from hub.store._models import Submission
from hub.submitting import create, start_fan_out
from tests.factories import COMMUNITY, add_community, add_resident, make_store, make_vault
from workflows.activities import HubActivities
from workflows.delivery import delivery_id
from workflows.worker import hub_workers

# The city platform's declared fields; no review decisions to wait for here.
ELDERLY_API = MANIFEST.model_copy(update={"decisions": None})
V1 = (FORMS_FOLDER / "elderly-allowance.toml").read_text(encoding="utf-8")
TABLE = """
[mappings.elderly_api]
id_number = "id_number"
name = "name"
sex = { from = "sex", transform = "code", map = { "1" = "M", "2" = "F" } }
birth_date = { from = "birth_date", transform = "date", format = "%Y%m%d" }
phone = "phone"
address = { from = ["community_name", "address"], transform = "join", sep = " " }
community_code = "community_code"
allowance_type = "allowance_type"
applied_on = { from = "applied_on", transform = "date", format = "%Y年%-m月%-d日" }
"""
ANSWERS = {
    "phone": "13901000101",
    "address": "惠山区玉祁街道1幢1单元101室",
    "allowance_type": "90-99",
    "bank": "江苏银行",
    "bank_account": "6228480402564890018",
    "applied_on": "2026-11-25",
}


class Recording:
    """Files nothing; keeps the fields its `map` gave, as a real connector sends them."""

    def __init__(self, manifest: Manifest, own=None) -> None:
        self.manifest = manifest
        self._own = own or to_target
        self.sent: list[dict[str, str]] = []

    def map(self, application: Application) -> dict[str, str]:
        return application.fields(self._own)

    async def deliver(self, ctx: DeliveryContext, application: Application) -> Receipt:
        self.sent.append(self.map(application))
        return Receipt(receipt_no=f"R-{self.manifest.id}-{len(self.sent)}")


def _version_2(table: str) -> str:
    """The bundled form as IT publishes its next version, with this table."""
    shipped = FORMS["elderly-allowance"].version
    return V1.replace(f"version = {shipped}", f"version = {shipped + 1}", 1) + table


@pytest.fixture
async def hub(tmp_path, temporal_env) -> AsyncIterator[SimpleNamespace]:
    engine, cipher = make_store(tmp_path)
    with session_scope(engine) as session:
        add_community(session)
        resident = add_resident(session, cipher, name="周桂英", birth="19360101", sex="2")
        resident_id = resident.id
    civil = Manifest(
        id="civil_affairs", name="民政系统", version="1", kind="api", auth="api_key",
        allowed_hosts=["127.0.0.1"], business_type="测试",
        fields=[FieldDecl(name="账号", label="账号")],
    )  # fmt: skip
    connectors = {
        "civil_affairs": Recording(civil, own=lambda a: {"账号": a.answer("bank_account")}),
        "elderly_api": Recording(ELDERLY_API),
        "city_data": Recording(CITY_DATA, own=city_data_target),
    }
    activities = HubActivities(
        engine=engine, cipher=cipher, vault=make_vault(), connectors=connectors, configs={},
        browsers=None,
    )  # fmt: skip
    state = SimpleNamespace(
        temporal=temporal_env.client, connectors=connectors, settings=Settings(), cipher=cipher,
        engine=engine,
    )  # fmt: skip

    def publish(source: str) -> None:
        with session_scope(engine) as session:
            publish_form(
                session, source=source, by="it-li", roles=("it_admin",), cipher=cipher,
                manifests={cid: c.manifest for cid, c in connectors.items()},
            )  # fmt: skip

    with ThreadPoolExecutor(4) as pool:
        async with AsyncExitStack() as running:
            for worker in hub_workers(temporal_env.client, activities, connectors, pool):
                await running.enter_async_context(worker)
            yield SimpleNamespace(
                engine=engine, state=state, connectors=connectors, resident_id=resident_id,
                publish=publish,
            )  # fmt: skip
    engine.dispose()


def _create(hub, key: str, answers: dict[str, str]) -> str:
    with session_scope(hub.engine) as session:
        submission, _ = create(
            state=hub.state, session=session, community=COMMUNITY, username="worker-a",
            resident_id=hub.resident_id, form_id="elderly-allowance", client_key=key,
            answers=answers,
        )  # fmt: skip
        return submission.id


async def test_a_target_with_a_table_gets_the_fields_it_makes(hub):
    hub.publish(_version_2(TABLE))
    submission_id = _create(hub, "mapped-key-0001", ANSWERS)
    with session_scope(hub.engine) as session:
        await start_fan_out(state=hub.state, submission=session.get(Submission, submission_id))
    await hub.state.temporal.get_workflow_handle(f"submission-{submission_id}").result()

    [sent] = hub.connectors["elderly_api"].sent
    assert sent["sex"] == "F" and sent["birth_date"] == "19360101"
    assert sent["applied_on"] == "2026年11月25日"
    assert sent["address"].endswith(" 惠山区玉祁街道1幢1单元101室")
    assert sent["address"] != ANSWERS["address"]  # the community's name in front
    assert set(sent) == {f.name for f in ELDERLY_API.fields}
    # The target without a table: its connector's own mapping, as before.
    assert hub.connectors["civil_affairs"].sent == [{"账号": "6228480402564890018"}]
    # The bundled form's own table for the data-sharing platform, kept in version 2.
    [collected] = hub.connectors["city_data"].sent
    assert (collected["business_type"], collected["summary"]) == ("高龄津贴", "90-99周岁")
    assert (collected["birth_date"], collected["business_date"]) == ("1936-01-01", "2026-11-25")
    # elderly_api (a 30 s call, no rate limit) filed as a local activity; city_data (100 a
    # minute, kept by the server) and the 180 s call as activity tasks.
    kinds = {cid: await _filed_as(hub, submission_id, cid) for cid in hub.connectors}
    assert kinds == {"elderly_api": "local", "city_data": "task", "civil_affairs": "task"}


async def _filed_as(hub, submission_id: str, connector_id: str) -> str:
    handle = hub.state.temporal.get_workflow_handle(delivery_id(submission_id, connector_id))
    events = [event.event_type async for event in handle.fetch_history_events()]
    if EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED in events:
        return "task"
    return "local" if EventType.EVENT_TYPE_MARKER_RECORDED in events else "?"


async def test_without_a_table_the_connector_maps_it_itself(hub):
    submission_id = _create(hub, "own-map-key-01", ANSWERS)
    with session_scope(hub.engine) as session:
        await start_fan_out(state=hub.state, submission=session.get(Submission, submission_id))
    await hub.state.temporal.get_workflow_handle(f"submission-{submission_id}").result()

    [sent] = hub.connectors["elderly_api"].sent
    assert (sent["sex"], sent["birth_date"]) == ("2", "1936-01-01")  # elderly_api's to_target
    # The bundled template maps the data-sharing platform itself: its table, not to_target.
    [collected] = hub.connectors["city_data"].sent
    assert collected["summary"] == "90-99周岁"


def test_a_value_the_table_cannot_take_is_refused_when_she_submits(hub):
    hub.publish(_version_2(TABLE.replace('allowance_type = "allowance_type"', (
        'allowance_type = { from = "allowance_type", transform = "code", map = { "80-89" = "A" } }'
    ))))  # fmt: skip
    with pytest.raises(InvalidInput) as refused:
        _create(hub, "refused-key-001", ANSWERS)
    assert "allowance_type" in refused.value.field_errors
    assert "elderly_api" in refused.value.user_message
    with session_scope(hub.engine) as session:
        assert session.exec(select(Submission)).first() is None
