"""Record submission-workflow histories for the replay tests (tests/workflows/test_replay.py).

    PYTHONPATH=. .venv/bin/python -m tests.workflows.record_histories LABEL

runs each scenario below on a throwaway Temporal dev server with the stand-in activities of
test_submission_workflow and writes `histories/LABEL-<scenario>.json`. Record a new LABEL before a
change to the workflow lands, and keep every earlier file: each is a workflow that may still be
running somewhere when the new code starts, and must replay on it unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack
from pathlib import Path

from temporalio.client import WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from tests.workflows.conftest import TEMPORAL_BIN
from tests.workflows.test_submission_workflow import (
    _QUICK_DECISIONS,
    FakeTargets,
    _plan,
    _until,
    _workers,
)
from workflows.delivery import delivery_id
from workflows.models import SubmissionInput, TargetPlan
from workflows.queues import ORCHESTRATION
from workflows.search import ensure_search_attributes
from workflows.submission import SubmissionWorkflow

HISTORIES = Path(__file__).with_name("histories")
Drive = Callable[[WorkflowHandle, FakeTargets], Awaitable[None]]


async def _to_the_end(handle: WorkflowHandle, fake: FakeTargets) -> None:
    await handle.result()


async def _she_logs_in_again(handle: WorkflowHandle, fake: FakeTargets) -> None:
    await _until(lambda: [r.connector_id for r in fake.recorded] == ["api_sys"])
    await _until(lambda: bool(fake.needs_login))
    await handle.signal(SubmissionWorkflow.sso_renewed, "sso_sys")
    await handle.result()


async def _left_waiting_for_her(handle: WorkflowHandle, fake: FakeTargets) -> None:
    # Still running when recorded: a workflow in flight when new code is deployed.
    await _until(lambda: bool(fake.needs_login))


#: name -> (targets' scripts, decision scripts, plans, how the run is driven). api_sys files as a
#: local activity (since v6), as an API target with no rate limit does.
SCENARIOS: dict[str, tuple[dict[str, list[str]], dict[str, list[str]], list[TargetPlan], Drive]] = {
    "fan-out-with-decision": (
        {"robot_sys": ["down", "ok"], "api_sys": ["ok"]},
        {"robot_sys": ["pending", "approved"]},
        [_plan("robot_sys", decisions=_QUICK_DECISIONS), _plan("api_sys", local=True)],
        _to_the_end,
    ),
    "rejected-and-broken": (
        {"robot_sys": ["reject"], "api_sys": ["broken"], "slow_sys": ["down", "down"]},
        {},
        [_plan("robot_sys"), _plan("api_sys", local=True), _plan("slow_sys", attempts=2)],
        _to_the_end,
    ),
    "sso-relogin": (
        {"sso_sys": ["login", "ok"], "api_sys": ["ok"]},
        {},
        [_plan("sso_sys"), _plan("api_sys", local=True)],
        _she_logs_in_again,
    ),
    "waiting-for-relogin": (
        {"sso_sys": ["login"], "api_sys": ["ok"]},
        {},
        [_plan("sso_sys"), _plan("api_sys", local=True)],
        _left_waiting_for_her,
    ),
}


async def record(label: str) -> list[Path]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(TEMPORAL_BIN),
        data_converter=pydantic_data_converter,
        ip="127.0.0.1",
        ui=False,
        dev_server_log_level="warn",
    )
    await ensure_search_attributes(env.client, env.client.namespace)
    written = []
    try:
        for name, (scripts, decisions, plans, drive) in SCENARIOS.items():
            fake = FakeTargets(scripts, decisions)
            submission_id = uuid.uuid4().hex
            with ThreadPoolExecutor(4) as pool:
                async with AsyncExitStack() as running:
                    for worker in _workers(env, fake, plans, pool):
                        await running.enter_async_context(worker)
                    handle = await env.client.start_workflow(
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
                    await drive(handle, fake)
                    histories = {name: await handle.fetch_history()}
                    for plan in plans:  # each target's delivery, once they are children
                        child = env.client.get_workflow_handle(
                            delivery_id(submission_id, plan.connector_id)
                        )
                        with contextlib.suppress(RPCError):  # not found: before children
                            key = f"{name}-delivery-{plan.connector_id}"
                            histories[key] = await child.fetch_history()
            for key, history in histories.items():
                path = HISTORIES / f"{label}-{key}.json"
                path.write_text(history.to_json())
                written.append(path)
    finally:
        await env.shutdown()
    return written


if __name__ == "__main__":
    for path in asyncio.run(record(sys.argv[1])):
        print(path)
