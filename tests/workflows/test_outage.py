"""Both target systems go down for a minute while 20 submissions are being delivered, then come
back: every delivery retries through the outage (robot and API alike), all are filed once they
are back, and no one is filed twice. The real connectors, HubActivities, store and workflows on
the session's Temporal server; the simulators answer 503 while down."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import pytest
from sqlmodel import select
from temporalio.client import WorkflowExecutionStatus, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from connectors.sdk import BrowserPool, load_connectors
from hub.settings import BrowserSettings
from hub.store import Delivery, make_engine, session_scope
from tests.factories import make_cipher, make_vault, store_url
from tests.workflows.test_chaos import (
    API_KEY,
    _plan,
    _seed,
    systems,  # noqa: F401  (fixture)
)
from workflows.activities import HubActivities
from workflows.models import SubmissionInput
from workflows.queues import ORCHESTRATION
from workflows.submission import SubmissionWorkflow
from workflows.worker import hub_workers

OUTAGE_S = 60
SUBMISSIONS = 20


def _down(url: str, down: bool) -> None:
    httpx.put(f"{url}/_sim/conditions", json={"down": down}, timeout=10).raise_for_status()


def _records(url: str) -> list[dict[str, str]]:
    records: list[dict[str, str]] = httpx.get(f"{url}/_sim/records", timeout=10).json()
    return records


@pytest.mark.e2e
async def test_a_minute_long_outage_delays_deliveries_and_loses_none(
    tmp_path: Path,
    temporal_env: WorkflowEnvironment,
    systems: tuple[str, str],  # noqa: F811
) -> None:
    civil_url, api_url = systems
    submission_ids = _seed(tmp_path, SUBMISSIONS)
    installed = load_connectors()
    connectors = {k: installed[k] for k in ("civil_affairs", "elderly_api")}
    engine, cipher = make_engine(store_url(tmp_path)), make_cipher()  # the store _seed made
    browsers = BrowserPool(executable=BrowserSettings().executable)
    activities = HubActivities(
        engine=engine,
        cipher=cipher,
        vault=make_vault(),
        connectors=connectors,
        configs={
            "civil_affairs": {"base_url": civil_url},
            "elderly_api": {"base_url": api_url, "api_key": API_KEY},
        },
        browsers=browsers,
    )
    for url in systems:
        await asyncio.to_thread(_down, url, True)
    plans = [_plan("civil_affairs"), _plan("elderly_api")]
    try:
        with ThreadPoolExecutor(4) as pool:
            async with AsyncExitStack() as running:
                for worker in hub_workers(temporal_env.client, activities, connectors, pool):
                    await running.enter_async_context(worker)
                handles = [
                    await temporal_env.client.start_workflow(
                        SubmissionWorkflow.run,
                        SubmissionInput(
                            children=True,
                            submission_id=sid,
                            form_title="高龄津贴申请",
                            targets=plans,
                        ),
                        id=f"submission-{sid}",
                        task_queue=ORCHESTRATION,
                    )
                    for sid in submission_ids
                ]
                started = time.monotonic()
                await asyncio.sleep(OUTAGE_S)
                assert not any([await _done(h) for h in handles])  # all held up by the outage
                for url in systems:
                    await asyncio.to_thread(_down, url, False)
                outcomes = await asyncio.wait_for(
                    asyncio.gather(*(h.result() for h in handles)), timeout=300
                )
                assert time.monotonic() - started >= OUTAGE_S
    finally:
        for url in systems:
            await asyncio.to_thread(_down, url, False)
        await browsers.close()
        engine.dispose()

    for outcome in outcomes:
        assert {t: o.status for t, o in outcome.outcomes.items()} == {
            "civil_affairs": "succeeded",
            "elderly_api": "succeeded",
        }
    for url in systems:
        per_person = Counter(r["id_number"] for r in await asyncio.to_thread(_records, url))
        assert len(per_person) == SUBMISSIONS and max(per_person.values()) == 1
    engine = make_engine(store_url(tmp_path))
    with session_scope(engine) as session:
        statuses = Counter(d.status for d in session.exec(select(Delivery)))
    engine.dispose()
    assert statuses == {"succeeded": 2 * SUBMISSIONS}  # written back, every one


async def _done(handle: WorkflowHandle) -> bool:
    return (await handle.describe()).status != WorkflowExecutionStatus.RUNNING
