"""Chaos: 100 submissions, each to a robot (civil affairs, in Chromium) and an API (the city
platform), while the orchestration worker and the robot worker are killed with SIGKILL, in
turn, at random moments and started again. Every submission completes, and each simulator holds
exactly one record per person.

The workers are `python -m workflows.worker --only …` itself, as an operator scales them out,
each in its own process group (so a robot worker's Chromium and Playwright driver die with it,
as on a crashed machine).
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from connectors.sdk import load_connectors
from hub.forms import FORMS
from hub.settings import SimulatorSettings
from hub.store import CredentialBind, bind_credential, create_submission, session_scope
from hub.submitting import files_locally
from simulators import create_civil_affairs_app, create_elderly_api_app
from tests._servers import serve
from tests.factories import (
    COMMUNITY,
    add_community,
    add_resident,
    make_store,
    make_vault,
    valid_id_number,
)
from workflows.delivery import delivery_id
from workflows.models import RetryDecl, SubmissionInput, SubmissionOutput, TargetPlan
from workflows.queues import ORCHESTRATION
from workflows.submission import SubmissionWorkflow

REPO_ROOT = Path(__file__).resolve().parents[2]
SUBMISSIONS = 100
KILLS = 6
SUBMITTER = "worker-a"
LOGIN, PASSWORD = "yuqi-wanghong", SimulatorSettings().civil_accounts["yuqi-wanghong"]
API_KEY = SimulatorSettings().api_key


def _plan(connector_id: str) -> TargetPlan:
    # Short heartbeat timeout: a killed attempt is retried within seconds, not a minute. Filed
    # as production files it: elderly_api as a local activity, in the robot worker's process.
    return TargetPlan(
        local=files_locally(load_connectors()[connector_id].manifest),
        connector_id=connector_id,
        start_to_close_timeout_s=120,
        heartbeat_timeout_s=5,
        retry=RetryDecl(
            initial_interval_s=0.5, backoff=1.5, maximum_interval_s=3, maximum_attempts=0
        ),
    )


@pytest.fixture
def systems(tmp_path: Path) -> Iterator[tuple[str, str]]:
    civil = create_civil_affairs_app(db_path=tmp_path / "civil.db", accounts={LOGIN: PASSWORD})
    api = create_elderly_api_app(db_path=tmp_path / "api.db", api_keys={API_KEY})
    with serve(civil) as civil_url, serve(api) as api_url:
        yield civil_url, api_url


def _seed(tmp_path: Path, count: int = SUBMISSIONS) -> list[str]:
    """`count` residents of 玉祁社区 and one submission each; worker-a's account in the vault."""
    engine, cipher = make_store(tmp_path)
    ids = []
    with session_scope(engine) as session:
        add_community(session)
        bind_credential(
            session=session,
            vault=make_vault(),
            community=COMMUNITY,
            owner=SUBMITTER,
            connector_id="civil_affairs",
            data=CredentialBind.model_validate({"login_name": LOGIN, "password": PASSWORD}),
            verified=True,
        )
        for i in range(count):
            birth = f"1941{1 + i % 12:02d}{1 + i // 12:02d}"
            id_number = valid_id_number(birth, "2", seq=i)
            resident = add_resident(
                session, cipher, name="王秀英", birth=birth, sex="2", id_number=id_number
            )
            submission, _ = create_submission(
                session=session,
                cipher=cipher,
                resident=resident,
                form_id="elderly-allowance",
                form_version=FORMS["elderly-allowance"].version,
                targets=["civil_affairs", "elderly_api"],
                data={
                    "name": "王秀英",
                    "id_number": id_number,
                    "sex": "2",
                    "birth_date": f"{birth[:4]}-{birth[4:6]}-{birth[6:]}",
                    "phone": "13901000315",
                    "address": "无锡市惠山区玉祁街道玉祁社区1幢1单元101室",
                    "community_code": COMMUNITY,
                    "community_name": "玉祁社区",
                    "allowance_type": "80-89",
                    "bank": "江苏银行",
                    "bank_account": "6228480012345678901",
                    "applied_on": date.today().isoformat(),
                },
                client_key=f"chaos-{i:03d}",
                created_by=SUBMITTER,
            )
            ids.append(submission.id)
    engine.dispose()
    return ids


class WorkerProcess:
    def __init__(self, env: dict[str, str], log: Path, only: str) -> None:
        self.env, self.log, self.only = env, log, only
        self.process: subprocess.Popen[bytes] | None = None
        self.kills = 0

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "workflows.worker", "--only", self.only],
                cwd=REPO_ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: Chromium goes with it
            )

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.kills += 1

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


@pytest.mark.e2e
async def test_killing_the_worker_at_random_moments_loses_nothing_and_files_nothing_twice(
    tmp_path: Path, temporal_env: WorkflowEnvironment, systems: tuple[str, str]
) -> None:
    civil_url, api_url = systems
    submission_ids = _seed(tmp_path)
    host, port = temporal_env.client.service_client.config.target_host.rsplit(":", 1)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")} | {
        "HUB_DATA_DIR": str(tmp_path),
        "HUB_TEMPORAL__HOST": host,
        "HUB_TEMPORAL__PORT": port,
        "HUB_SIMULATORS__CIVIL_PORT": civil_url.rsplit(":", 1)[1],
        "HUB_SIMULATORS__API_PORT": api_url.rsplit(":", 1)[1],
    }
    workers = [
        WorkerProcess(env, tmp_path / "orchestration.log", "orchestration"),
        WorkerProcess(env, tmp_path / "robots.log", "civil_affairs,elderly_api"),
    ]
    assert {"civil_affairs", "elderly_api"} <= set(load_connectors())
    plans = [_plan("civil_affairs"), _plan("elderly_api")]
    handles = [
        await temporal_env.client.start_workflow(
            SubmissionWorkflow.run,
            SubmissionInput(
                children=True, submission_id=sid, form_title="高龄津贴申请", targets=plans
            ),
            id=f"submission-{sid}",
            task_queue=ORCHESTRATION,
            result_type=SubmissionOutput,
        )
        for sid in submission_ids
    ]
    rng = random.Random()
    for worker in workers:
        worker.start()
    try:
        results = asyncio.gather(*(h.result() for h in handles))
        kills = 0
        while kills < KILLS and not results.done():
            await asyncio.sleep(rng.uniform(2.0, 8.0))  # a random moment: mid-login, mid-form…
            victim = workers[kills % 2]  # the orchestration, then the robots, in turn
            victim.kill()
            victim.start()
            kills += 1
        outcomes = await asyncio.wait_for(results, timeout=600)
    finally:
        for worker in workers:
            worker.stop()

    # The chaos really happened while work was in flight, to both kinds of worker.
    assert [w.kills for w in workers] == [KILLS // 2, KILLS // 2]
    for outcome in outcomes:
        statuses = {t: o.status for t, o in outcome.outcomes.items()}
        assert statuses == {"civil_affairs": "succeeded", "elderly_api": "succeeded"}, (
            outcome.outcomes
        )
    # The kills hit deliveries in flight: attempts that died and were tried again (a retry
    # adds no event of its own; the started event says which attempt finally ran).
    retried = 0
    deliveries = [
        temporal_env.client.get_workflow_handle(
            delivery_id(handle.id.removeprefix("submission-"), target)
        )
        for handle in handles
        for target in ("civil_affairs", "elderly_api")
    ]
    for delivery in deliveries:  # each target's delivery is the submission's child
        history = await delivery.fetch_history()
        retried += sum(
            1
            for e in history.events
            if e.HasField("activity_task_started_event_attributes")
            and e.activity_task_started_event_attributes.attempt > 1
        )
    assert retried > 0
    for url in (civil_url, api_url):
        answer = await asyncio.to_thread(httpx.get, f"{url}/_sim/records", timeout=10)
        records = answer.json()
        per_person = Counter(r["id_number"] for r in records)
        assert len(per_person) == SUBMISSIONS  # nothing lost
        assert max(per_person.values()) == 1, per_person.most_common(3)  # nothing twice
