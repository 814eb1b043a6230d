"""Robots log in as the worker who submitted, with her account from the vault: the real
HubActivities and workflows on a real Temporal server, the real robot in Chromium, against the
simulated civil-affairs system; and binding an account in the portal, checked by a real login.

Every test ends by searching what Temporal keeps (workflow ids, inputs, results, failures,
heartbeats) for the passwords and login names involved: none may be there.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select
from temporalio.testing import WorkflowEnvironment

from connectors.civil_affairs import connector as civil_affairs
from connectors.sdk import SCRUBBED, BrowserPool
from hub.app import create_app
from hub.crypto import FieldCipher
from hub.settings import BrowserSettings, Settings
from hub.store import (
    Credential,
    CredentialBind,
    CredentialUse,
    Delivery,
    Resident,
    RobotLogin,
    bind_credential,
    session_scope,
)
from hub.store._models_audit import AuditEntry
from hub.vault import Vault
from identity import TokenValidator
from simulators import create_civil_affairs_app
from tests._servers import serve
from tests._temporal_history import client_codec, decoded_history_text, payload_encodings
from tests._tokens import TokenMint
from tests._traces import failure_traces
from tests.factories import (
    COMMUNITY,
    add_community,
    add_resident,
    add_submission,
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

LOGIN, PASSWORD = "yuqi-wanghong", "Wanghong-2026!"
WRONG = "Wanghong-2025!"  # last year's password
BIND_FIRST = '请先在"我的系统账号"中绑定省民政厅高龄津贴管理系统账号'
BIND_AGAIN = '省民政厅高龄津贴管理系统拒绝了您绑定的账号，请在"我的系统账号"中重新绑定'
SECRETS = (LOGIN, PASSWORD, WRONG)


@dataclass
class Hub:
    engine: Engine
    cipher: FieldCipher
    vault: Vault
    env: WorkflowEnvironment
    civil_url: str
    #: What the robot is configured with; a test may point it elsewhere.
    config: dict[str, str]
    started_at: datetime
    workflow_ids: list[str]

    def bind(self, owner: str, password: str, *, verified: bool = True) -> str:
        with session_scope(self.engine) as session:
            credential = bind_credential(
                session=session,
                vault=self.vault,
                community=COMMUNITY,
                owner=owner,
                connector_id="civil_affairs",
                data=CredentialBind.model_validate({"login_name": LOGIN, "password": password}),
                verified=verified,
            )
            return credential.id

    def submission(self, created_by: str) -> str:
        with session_scope(self.engine) as session:
            resident = session.exec(select(Resident)).first() or add_resident(
                session, self.cipher, name=NAME, birth="19420315", sex="2", id_number=ID_NUMBER
            )
            return add_submission(
                session,
                self.cipher,
                resident,
                created_by=created_by,
                targets=("civil_affairs",),
                data=APPLICATION,
            ).id

    async def deliver(self, submission_id: str) -> SubmissionOutput:
        workflow_id = f"submission-{submission_id}"
        # The submission and its delivery (a child workflow): both histories are searched.
        self.workflow_ids += [workflow_id, delivery_id(submission_id, "civil_affairs")]
        result: SubmissionOutput = await self.env.client.execute_workflow(
            SubmissionWorkflow.run,
            SubmissionInput(
                children=True,
                submission_id=submission_id,
                form_title="高龄津贴申请",
                targets=[PLAN],
            ),
            id=workflow_id,
            task_queue=ORCHESTRATION,
        )
        return result

    def uses(self) -> list[tuple[str, str, str | None]]:
        with Session(self.engine) as session:
            rows = session.exec(select(CredentialUse).order_by(CredentialUse.id)).all()
            return [(u.activity, u.outcome, u.submission_id) for u in rows]

    def audited(self) -> list[tuple[str, str, str | None]]:
        """The audit log's entries about credentials: action, actor, and the outcome or state."""
        with Session(self.engine) as session:
            entries = session.exec(select(AuditEntry).order_by(col(AuditEntry.seq))).all()
        details = [json.loads(e.detail) for e in entries]
        for entry in entries:
            assert LOGIN not in entry.detail and PASSWORD not in entry.detail
        return [
            (e.action, e.actor, d.get("outcome") or d.get("state"))
            for e, d in zip(entries, details, strict=True)
        ]

    def credentials(self) -> list[tuple[str, str]]:
        with Session(self.engine) as session:
            return [(c.owner_username, c.state) for c in session.exec(select(Credential))]

    async def assert_no_secrets_in_temporal(self) -> None:
        ids = [wf.id async for wf in self.env.client.list_workflows()]
        for workflow_id in self.workflow_ids:
            assert workflow_id in ids
            history = await self.env.client.get_workflow_handle(workflow_id).fetch_history()
            # Stored encrypted (workflows/codec.py); searched as a client with the keys reads it.
            assert set(payload_encodings(history)) == {"binary/encrypted"}
            text = await decoded_history_text(history, client_codec(self.env.client))
            # The control: inputs are searched decoded, so the ids they carry are found.
            assert '"connector_id": "civil_affairs"' in text
            for secret in SECRETS:
                assert secret not in text, f"{secret[:3]}… in the history of {workflow_id}"
                assert secret not in workflow_id


PLAN = TargetPlan(
    connector_id="civil_affairs",
    start_to_close_timeout_s=60,
    heartbeat_timeout_s=30,
    retry=RetryDecl(
        initial_interval_s=0.2, backoff=1.0, maximum_interval_s=0.5, maximum_attempts=2
    ),
)


NAME, ID_NUMBER = "𠮷祥英", valid_id_number("19420315", "2", seq=10)
APPLICATION = {
    "name": NAME,
    "id_number": ID_NUMBER,
    "sex": "2",
    "birth_date": "1942-03-15",
    "phone": "13901000315",
    "address": "无锡市惠山区玉祁街道玉祁社区1幢1单元101室",
    "community_code": COMMUNITY,
    "community_name": "玉祁社区",
    "allowance_type": "80-89",
    "bank": "江苏银行",
    "bank_account": "6228480012345678901",
    "applied_on": date.today().isoformat(),
}


@pytest.fixture(scope="module")
async def browsers() -> AsyncIterator[BrowserPool]:
    pool = BrowserPool(executable=BrowserSettings().executable)
    try:
        yield pool
    finally:
        await pool.close()


@pytest.fixture
def civil_url(tmp_path: Path) -> Iterator[str]:
    """The simulated system, where worker-a has her own account (and nobody else has one)."""
    app = create_civil_affairs_app(db_path=tmp_path / "civil.db", accounts={LOGIN: PASSWORD})
    with serve(app) as url:
        yield url


@pytest.fixture
async def hub(
    tmp_path: Path, temporal_env: WorkflowEnvironment, browsers: BrowserPool, civil_url: str
) -> AsyncIterator[Hub]:
    """The hub's worker, as `python -m workflows.worker` runs it, for the civil-affairs robot."""
    engine, cipher = make_store(tmp_path)
    with session_scope(engine) as session:
        add_community(session)
    vault = make_vault()
    config = {"base_url": civil_url}
    activities = HubActivities(
        engine=engine,
        cipher=cipher,
        vault=vault,
        connectors={"civil_affairs": civil_affairs},
        configs={"civil_affairs": config},
        browsers=browsers,
    )
    with ThreadPoolExecutor(4) as store_pool:
        async with AsyncExitStack() as running:
            for worker in hub_workers(
                temporal_env.client, activities, {"civil_affairs": civil_affairs}, store_pool
            ):
                await running.enter_async_context(worker)
            started_at = datetime.now(UTC)
            yield Hub(engine, cipher, vault, temporal_env, civil_url, config, started_at, [])
    engine.dispose()


async def _sim_records(url: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=url) as http:
        records: list[dict[str, Any]] = (await http.get("/_sim/records")).json()
        return records


# ---- delivering as her ----------------------------------------------------------------------


async def test_the_robot_files_as_the_worker_who_submitted_with_her_vault_account(hub: Hub):
    hub.bind("worker-a", PASSWORD)
    submission_id = hub.submission(created_by="worker-a")

    result = await hub.deliver(submission_id)

    outcome = result.outcomes["civil_affairs"]
    assert outcome.status == "succeeded", outcome.message
    [record] = await _sim_records(hub.civil_url)
    assert record["submitted_by"] == LOGIN  # her account, not a shared robot's
    assert record["receipt_no"] == outcome.receipt_no
    assert hub.uses() == [("deliver", "ok", submission_id)]
    assert hub.audited() == [("credential_use", "robot:civil_affairs", "ok")]
    await hub.assert_no_secrets_in_temporal()


async def test_the_next_delivery_starts_from_her_saved_login_kept_sealed(hub: Hub):
    hub.bind("worker-a", PASSWORD)
    first = hub.submission(created_by="worker-a")
    await hub.deliver(first)
    with Session(hub.engine) as session:
        [saved] = session.exec(select(RobotLogin)).all()
    assert "JSESSIONID" not in saved.state_sealed  # sealed, cookie names included
    # Another person, another submission: the robot starts from the saved login.
    with session_scope(hub.engine) as session:
        other_id = valid_id_number("19420315", "2", seq=12)
        other = add_resident(
            session, hub.cipher, name="王秀英", birth="19420315", sex="2", id_number=other_id
        )
        second = add_submission(
            session,
            hub.cipher,
            other,
            created_by="worker-a",
            targets=("civil_affairs",),
            data=APPLICATION | {"id_number": other_id},
        ).id

    result = await hub.deliver(second)

    assert result.outcomes["civil_affairs"].status == "succeeded"
    assert len(await _sim_records(hub.civil_url)) == 2
    # Each delivery is one use of her account that she can see, whether it typed the password
    # or reused the login it kept.
    assert hub.uses() == [("deliver", "ok", first), ("deliver", "ok", second)]
    with Session(hub.engine) as session:
        [again] = session.exec(select(RobotLogin)).all()
    assert again.saved_at == saved.saved_at  # not logged in again, so nothing new kept
    await hub.assert_no_secrets_in_temporal()


async def test_without_her_own_account_she_is_told_to_bind_one_and_nothing_is_filed(hub: Hub):
    hub.bind("worker-a", PASSWORD)  # a colleague's account is not hers to use
    submission_id = hub.submission(created_by="worker-b")

    result = await hub.deliver(submission_id)

    outcome = result.outcomes["civil_affairs"]
    assert (outcome.status, outcome.message) == ("failed", BIND_FIRST)
    with Session(hub.engine) as session:
        delivery = session.exec(select(Delivery)).one()
        assert delivery.message == BIND_FIRST  # what her status page shows
    assert await _sim_records(hub.civil_url) == []
    assert hub.uses() == []
    await hub.assert_no_secrets_in_temporal()


async def test_a_refused_login_is_recorded_and_her_account_is_not_tried_again(hub: Hub):
    hub.bind("worker-a", WRONG)  # she changed her password at the system, not here
    first, second = hub.submission("worker-a"), hub.submission("worker-a")

    refused = (await hub.deliver(first)).outcomes["civil_affairs"]
    not_tried = (await hub.deliver(second)).outcomes["civil_affairs"]

    assert (refused.status, refused.message) == ("failed", BIND_AGAIN)
    assert (not_tried.status, not_tried.message) == ("failed", BIND_AGAIN)
    assert hub.uses() == [("deliver", "rejected", first)]  # one refusal: no lock-out risk
    assert hub.audited() == [
        ("credential_use", "robot:civil_affairs", "ok"),
        ("credential_use", "robot:civil_affairs", "rejected"),
    ]
    assert hub.credentials() == [("worker-a", "rejected")]
    assert await _sim_records(hub.civil_url) == []
    await hub.assert_no_secrets_in_temporal()
    # IT gets the robot's trace of the refused login, with what it typed scrubbed out.
    [trace] = failure_traces(hub.engine, hub.cipher, first, COMMUNITY)
    assert "/login" in trace and SCRUBBED in trace  # the control: it typed them, here
    for secret in SECRETS:
        assert secret not in trace
    # The second opened the login page, then found her account set aside: nothing typed.
    [untyped] = failure_traces(hub.engine, hub.cipher, second, COMMUNITY)
    assert "/login" in untyped and SCRUBBED not in untyped


# ---- binding in the portal ------------------------------------------------------------------


@pytest.fixture
def portal(hub: Hub, tmp_path: Path) -> Iterator[tuple[httpx.AsyncClient, dict[str, str]]]:
    """The hub app on the same store, talking to the same Temporal, and worker-a's token."""
    settings = Settings(environment="test", data_dir=tmp_path)  # tmp_path/hub.db: hub's store
    app = create_app(settings)
    state = app.state.hub
    state.temporal = hub.env.client
    mint = TokenMint(issuer=settings.keycloak.issuer, audience=settings.keycloak.client_id)
    state.validator = TokenValidator(
        settings.keycloak.issuer, settings.keycloak.client_id, jwks_client=mint.jwks_client
    )
    headers = mint.headers("worker-a", roles=["worker"], community=COMMUNITY)
    transport = httpx.ASGITransport(app=app)
    yield httpx.AsyncClient(transport=transport, base_url="http://hub"), headers


async def _remember_checks(hub: Hub, expected: int) -> None:
    """The test logins this test started (the portal names them at random), for the secrets
    search; waits for Temporal's list to show them all."""
    query = (
        f"WorkflowType = 'CredentialCheckWorkflow' AND StartTime > '{hub.started_at.isoformat()}'"
    )
    for _ in range(100):
        found = [wf.id async for wf in hub.env.client.list_workflows(query)]
        if len(found) >= expected:
            hub.workflow_ids.extend(found)
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"expected {expected} credential checks, Temporal lists {len(found)}")


async def test_binding_runs_a_real_test_login_and_keeps_a_working_account(
    hub: Hub, portal: tuple[httpx.AsyncClient, dict[str, str]]
):
    client, headers = portal

    answer = await client.post(
        "/accounts/civil_affairs", data={"login_name": LOGIN, "password": PASSWORD}, headers=headers
    )

    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/accounts?verified=civil_affairs"
    page = await client.get(answer.headers["location"], headers=headers)
    assert "已验证，账号已保存" in page.text and f'<dd class="login">{LOGIN}</dd>' in page.text
    assert "验证账号" in page.text  # the test login is listed among the uses
    assert PASSWORD not in page.text
    assert hub.credentials() == [("worker-a", "verified")]
    assert hub.uses() == [("verify", "ok", None)]
    assert hub.audited() == [
        ("credential_bind", "worker-a", "pending"),
        ("credential_use", "robot:civil_affairs", "ok"),
        ("credential_bind", "robot:civil_affairs", "verified"),
    ]
    assert await _sim_records(hub.civil_url) == []  # a test login files nothing
    await _remember_checks(hub, expected=1)
    assert hub.workflow_ids and all(w.startswith("credential-check-") for w in hub.workflow_ids)
    await hub.assert_no_secrets_in_temporal()


async def test_a_wrong_password_is_refused_and_never_kept(
    hub: Hub, portal: tuple[httpx.AsyncClient, dict[str, str]]
):
    client, headers = portal
    hub.bind("worker-a", PASSWORD)  # her working account stays while she tries another

    page = await client.post(
        "/accounts/civil_affairs", data={"login_name": LOGIN, "password": WRONG}, headers=headers
    )

    assert page.status_code == 422
    assert "账号或密码错误" in page.text
    assert WRONG not in page.text and PASSWORD not in page.text
    assert hub.credentials() == [("worker-a", "verified")]  # the refused one is gone
    assert hub.uses() == [("verify", "rejected", None)]
    await _remember_checks(hub, expected=1)
    await hub.assert_no_secrets_in_temporal()


async def test_the_api_binds_with_the_same_test_login_and_answers_without_the_password(
    hub: Hub, portal: tuple[httpx.AsyncClient, dict[str, str]]
):
    client, headers = portal

    refused = await client.put(
        "/api/accounts/civil_affairs",
        json={"login_name": LOGIN, "password": WRONG},
        headers=headers,
    )
    bound = await client.put(
        "/api/accounts/civil_affairs",
        json={"login_name": LOGIN, "password": PASSWORD},
        headers=headers,
    )

    assert refused.status_code == 422
    assert refused.json()["field_errors"] == {"password": "账号或密码错误"}
    assert bound.status_code == 200
    body = bound.json()
    assert (body["result"], body["account"]["state"], body["account"]["login_name"]) == (
        "verified",
        "verified",
        LOGIN,
    )
    for answer in (refused, bound):
        assert PASSWORD not in answer.text and WRONG not in answer.text
    await _remember_checks(hub, expected=2)
    await hub.assert_no_secrets_in_temporal()


async def test_a_slow_check_goes_on_after_the_portal_stops_waiting(
    hub: Hub, portal: tuple[httpx.AsyncClient, dict[str, str]]
):
    client, headers = portal
    client_app: Any = client._transport.app  # type: ignore[attr-defined]
    client_app.state.hub.settings.vault.check_wait_s = 0.01

    answer = await client.post(
        "/accounts/civil_affairs", data={"login_name": LOGIN, "password": PASSWORD}, headers=headers
    )

    assert answer.headers["location"] == "/accounts?checking=civil_affairs"
    page = await client.get(answer.headers["location"], headers=headers)
    assert "正在用该账号试登录" in page.text
    await _remember_checks(hub, expected=1)
    [check_id] = hub.workflow_ids
    await hub.env.client.get_workflow_handle(check_id).result()
    assert hub.credentials() == [("worker-a", "verified")]  # settled without her watching


async def test_a_system_that_cannot_be_reached_leaves_the_account_pending_and_unused(
    hub: Hub, portal: tuple[httpx.AsyncClient, dict[str, str]]
):
    client, headers = portal
    hub.config["base_url"] = "http://127.0.0.1:9"  # the discard port: connection refused

    page = await client.post(
        "/accounts/civil_affairs", data={"login_name": LOGIN, "password": PASSWORD}, headers=headers
    )

    assert page.status_code == 503
    assert "暂时无法连接该系统，账号尚未验证" in page.text
    assert f"{LOGIN}（尚未验证" in page.text
    assert hub.credentials() == [("worker-a", "pending")]
    assert hub.uses() == []  # never read: the robot could not even open the login page
    # A pending account is not handed to robots: her delivery asks her to bind one.
    hub.config["base_url"] = hub.civil_url
    outcome = (await hub.deliver(hub.submission("worker-a"))).outcomes["civil_affairs"]
    assert (outcome.status, outcome.message) == ("failed", BIND_FIRST)
    assert await _sim_records(hub.civil_url) == []
    await _remember_checks(hub, expected=1)
    await hub.assert_no_secrets_in_temporal()
