"""Robots act as the worker who submitted at a system that trusts Keycloak, with the token the
hub exchanged for her at submit time: the real HubActivities and workflow on a real Temporal
server, the real robot in Chromium, against the simulated social-assistance system. Tokens are
minted here (Keycloak's own exchange is tested in tests/identity and tests/e2e).

Every test ends by searching what Temporal keeps for the tokens involved: none may be there.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from connectors.sdk import SCRUBBED, BrowserPool
from connectors.social_assistance import connector as social_assistance
from hub.crypto import FieldCipher
from hub.forms import FORMS
from hub.settings import BrowserSettings
from hub.store import (
    CredentialUse,
    DelegatedToken,
    Delivery,
    Evidence,
    Resident,
    keep_delegated_token,
    session_scope,
)
from hub.store._models import utcnow
from hub.store._models_audit import AuditEntry
from hub.vault import Vault
from simulators import create_social_assistance_app
from tests._servers import serve
from tests._temporal_history import client_codec, decoded_history_text, payload_encodings
from tests._tokens import TokenMint
from tests._traces import failure_traces
from tests.factories import (
    COMMUNITY,
    add_community,
    add_resident,
    make_store,
    make_vault,
    valid_id_number,
)
from workflows.activities import HubActivities
from workflows.delivery import delivery_id
from workflows.models import RetryDecl, SubmissionInput, SubmissionOutput, TargetPlan
from workflows.queues import ORCHESTRATION
from workflows.submission import SubmissionWorkflow
from workflows.worker import hub_workers

#: A JSON web token: base64url of '{"' (header), a dot, base64url of '{"' (claims).
JWT = re.compile(r"eyJ[\w-]+\.eyJ[\w-]+")
ISSUER = "http://127.0.0.1:8080/realms/community"
AUDIENCE = "social-assistance"
SUBMITTER = "worker-b"
NAME, ID_NUMBER = "唐素琴", valid_id_number("19410419", "2", seq=20)
APPLICATION = {
    "name": NAME,
    "id_number": ID_NUMBER,
    "sex": "2",
    "birth_date": "1941-04-19",
    "phone": "13902000419",
    "address": "无锡市惠山区玉祁街道瑞星社区3幢101室",
    "community_code": COMMUNITY,
    "community_name": "瑞星社区",
    "applied_on": date.today().isoformat(),
    "household_size": "2",
    "monthly_income": "600.00",
    "application_reason": "年老体弱，无固定收入",
}
PLAN = TargetPlan(
    connector_id="social_assistance",
    start_to_close_timeout_s=60,
    heartbeat_timeout_s=30,
    retry=RetryDecl(
        initial_interval_s=0.2, backoff=1.0, maximum_interval_s=0.5, maximum_attempts=2
    ),
    relogin_wait_s=120,
)


@dataclass
class Hub:
    engine: Engine
    cipher: FieldCipher
    vault: Vault
    env: WorkflowEnvironment
    mint: TokenMint
    social_url: str
    tokens: list[str] = field(default_factory=list)  # every token handed to the hub
    workflow_ids: list[str] = field(default_factory=list)

    def submission(self) -> str:
        from hub.store import create_submission

        with session_scope(self.engine) as session:
            resident = session.exec(select(Resident)).first() or add_resident(
                session, self.cipher, name=NAME, birth="19410419", sex="2", id_number=ID_NUMBER
            )
            submission, _ = create_submission(
                session=session,
                cipher=self.cipher,
                resident=resident,
                form_id="minimum-living",
                form_version=FORMS["minimum-living"].version,
                targets=["social_assistance"],
                data=APPLICATION,
                client_key=f"key-{len(self.workflow_ids)}-{datetime.now().timestamp()}",
                created_by=SUBMITTER,
            )
            return submission.id

    def keep_token(self, submission_id: str, *, expires_in: timedelta, **claims: Any) -> str:
        """What hub.delegation keeps after Keycloak's exchange: her token for this system."""
        token = self.mint.token(SUBMITTER, roles=["worker"], community=COMMUNITY, claims=claims)
        assert JWT.search(token)  # what the history is searched for would find it
        self.tokens.append(token)
        with session_scope(self.engine) as session:
            keep_delegated_token(
                session=session,
                vault=self.vault,
                submission_id=submission_id,
                connector_id="social_assistance",
                owner=SUBMITTER,
                token=token,
                expires_at=utcnow() + expires_in,
            )
        return token

    async def start(self, submission_id: str) -> WorkflowHandle[Any, SubmissionOutput]:
        workflow_id = f"submission-{submission_id}"
        # The submission and its delivery (a child workflow): both histories are searched.
        self.workflow_ids += [workflow_id, delivery_id(submission_id, "social_assistance")]
        return await self.env.client.start_workflow(
            SubmissionWorkflow.run,
            SubmissionInput(
                children=True,
                submission_id=submission_id,
                form_title="最低生活保障申请",
                targets=[PLAN],
            ),
            id=workflow_id,
            task_queue=ORCHESTRATION,
            result_type=SubmissionOutput,
        )

    def delivery(self, submission_id: str) -> Delivery:
        with Session(self.engine) as session:
            found = session.exec(
                select(Delivery).where(Delivery.submission_id == submission_id)
            ).one()
            return found

    def kept_tokens(self) -> int:
        with Session(self.engine) as session:
            return len(session.exec(select(DelegatedToken)).all())

    def uses(self) -> list[tuple[str, str, str]]:
        with Session(self.engine) as session:
            rows = session.exec(select(CredentialUse).order_by(col(CredentialUse.id))).all()
            return [(u.connector_id, u.activity, u.outcome) for u in rows]

    def audited_uses(self) -> list[dict[str, Any]]:
        with Session(self.engine) as session:
            entries = session.exec(
                select(AuditEntry)
                .where(AuditEntry.action == "credential_use")
                .order_by(col(AuditEntry.seq))
            ).all()
        return [{"actor": e.actor, **json.loads(e.detail)} for e in entries]

    async def assert_no_tokens_in_temporal(self) -> None:
        for workflow_id in self.workflow_ids:
            history = await self.env.client.get_workflow_handle(workflow_id).fetch_history()
            # Stored encrypted (workflows/codec.py); searched as a client with the keys reads it.
            assert set(payload_encodings(history)) == {"binary/encrypted"}
            text = await decoded_history_text(history, client_codec(self.env.client))
            assert '"connector_id": "social_assistance"' in text  # the control
            assert not JWT.search(text)  # no token of any kind, minted here or not
            for token in self.tokens:
                assert token.split(".")[1] not in text


@pytest.fixture(scope="module")
async def browsers() -> AsyncIterator[BrowserPool]:
    pool = BrowserPool(executable=BrowserSettings().executable)
    try:
        yield pool
    finally:
        await pool.close()


@pytest.fixture
def mint() -> TokenMint:
    return TokenMint(issuer=ISSUER, audience=AUDIENCE)


@pytest.fixture
def social_url(tmp_path: Path, mint: TokenMint) -> Iterator[str]:
    app = create_social_assistance_app(
        db_path=tmp_path / "social.db",
        issuer=ISSUER,
        client_id=AUDIENCE,
        client_secret="test-secret",
        public_url="http://127.0.0.1:8103",
        jwks_client=mint.jwks_client,
    )
    with serve(app) as url:
        yield url


@pytest.fixture
async def hub(
    tmp_path: Path,
    temporal_env: WorkflowEnvironment,
    browsers: BrowserPool,
    mint: TokenMint,
    social_url: str,
) -> AsyncIterator[Hub]:
    """The hub's worker as `python -m workflows.worker` runs it, for the social-assistance robot."""
    engine, cipher = make_store(tmp_path)
    with session_scope(engine) as session:
        add_community(session)
    vault = make_vault()
    activities = HubActivities(
        engine=engine,
        cipher=cipher,
        vault=vault,
        connectors={"social_assistance": social_assistance},
        configs={"social_assistance": {"base_url": social_url, "sso_audience": AUDIENCE}},
        browsers=browsers,
    )
    with ThreadPoolExecutor(4) as store_pool:
        async with AsyncExitStack() as running:
            for worker in hub_workers(
                temporal_env.client,
                activities,
                {"social_assistance": social_assistance},
                store_pool,
            ):
                await running.enter_async_context(worker)
            yield Hub(engine, cipher, vault, temporal_env, mint, social_url)
    engine.dispose()


def _records(url: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = httpx.get(f"{url}/_sim/records", timeout=10).json()
    return records


async def _until_status(hub: Hub, submission_id: str, status: str) -> Delivery:
    for _ in range(600):
        delivery = hub.delivery(submission_id)
        if delivery.status == status:
            return delivery
        await asyncio.sleep(0.05)
    raise AssertionError(f"delivery never reached {status}: {hub.delivery(submission_id).status}")


async def test_the_robot_files_as_the_worker_who_submitted_with_her_exchanged_token(hub: Hub):
    submission_id = hub.submission()
    hub.keep_token(submission_id, expires_in=timedelta(minutes=5))

    result = await (await hub.start(submission_id)).result()

    outcome = result.outcomes["social_assistance"]
    assert outcome.status == "succeeded", outcome.message
    [record] = _records(hub.social_url)
    assert record["receipt_no"] == outcome.receipt_no
    assert record["submitted_by"] == SUBMITTER  # as her, not as a shared robot account
    assert (record["name"], record["id_number"]) == (NAME, ID_NUMBER)
    # Her token was used once, she can see it, and it is gone once the delivery has its outcome.
    assert hub.uses() == [("social_assistance", "deliver", "ok")]
    [audited] = hub.audited_uses()
    assert (audited["actor"], audited["submission_id"]) == (
        "robot:social_assistance",
        submission_id,
    )
    assert hub.kept_tokens() == 0
    await hub.assert_no_tokens_in_temporal()


async def test_an_expired_token_waits_for_her_to_log_in_again_then_files_once(hub: Hub):
    submission_id = hub.submission()
    hub.keep_token(submission_id, expires_in=timedelta(seconds=-1))  # the delivery came late

    handle = await hub.start(submission_id)
    waiting = await _until_status(hub, submission_id, "needs_login")

    assert "重新登录并继续报送" in (waiting.message or "")
    assert _records(hub.social_url) == []  # nothing was sent with a dead token
    assert hub.uses() == []  # and it was not even read
    assert hub.kept_tokens() == 0  # the dead one is gone

    # She logs in again in the portal: the hub keeps her fresh token and signals the workflow.
    hub.keep_token(submission_id, expires_in=timedelta(minutes=5))
    await handle.signal(SubmissionWorkflow.sso_renewed, "social_assistance")
    result = await handle.result()

    assert result.outcomes["social_assistance"].status == "succeeded"
    assert len(_records(hub.social_url)) == 1
    assert hub.delivery(submission_id).message is None
    await hub.assert_no_tokens_in_temporal()


async def test_a_token_the_system_refuses_is_dropped_and_she_is_asked_to_log_in(hub: Hub):
    submission_id = hub.submission()
    hub.keep_token(submission_id, expires_in=timedelta(minutes=5), aud=["another-system"])

    handle = await hub.start(submission_id)
    await _until_status(hub, submission_id, "needs_login")

    assert _records(hub.social_url) == []
    assert hub.uses() == [("social_assistance", "deliver", "rejected")]
    assert [u["outcome"] for u in hub.audited_uses()] == ["ok", "rejected"]
    assert hub.kept_tokens() == 0
    # IT gets the robot's trace, with her token scrubbed from every request it sent.
    [trace] = failure_traces(hub.engine, hub.cipher, submission_id, COMMUNITY)
    assert "/dibao/search" in trace and f"Bearer {SCRUBBED}" in trace  # the control
    assert not JWT.search(trace) and hub.tokens[-1].split(".")[1] not in trace
    await handle.cancel()
    await hub.assert_no_tokens_in_temporal()


async def test_it_exports_a_failure_trace_to_a_file_and_the_export_is_audited(
    hub: Hub, tmp_path: Path
):
    submission_id = hub.submission()
    hub.keep_token(submission_id, expires_in=timedelta(minutes=5), aud=["another-system"])
    handle = await hub.start(submission_id)
    await _until_status(hub, submission_id, "needs_login")
    await handle.cancel()
    with Session(hub.engine) as session:
        [evidence] = session.exec(
            select(Evidence).where(Evidence.content_type == "application/zip")
        ).all()

    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env["HUB_DATA_DIR"] = str(tmp_path)  # the store make_store() made there
    out = tmp_path / "trace.zip"
    argv = [sys.executable, "-m", "hub.store", "export-trace", evidence.id, str(out)]
    done = await asyncio.to_thread(
        subprocess.run,
        [*argv, "--by", "it-admin"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    assert "playwright show-trace" in done.stdout
    with zipfile.ZipFile(out) as trace:
        assert "trace.network" in trace.namelist()
        assert SCRUBBED.encode() in trace.read("trace.network")
    assert out.stat().st_mode & 0o077 == 0  # hers and IT's business only
    with Session(hub.engine) as session:
        [reveal] = session.exec(select(AuditEntry).where(AuditEntry.action == "reveal")).all()
    assert (reveal.actor, reveal.subject) == ("it-admin", f"evidence:{evidence.id}")
