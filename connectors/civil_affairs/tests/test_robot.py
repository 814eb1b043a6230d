"""The robot against the simulated web system, in a real Chromium, over real HTTP, logging in
with the account of the worker who submitted (what the hub's vault hands out as ctx.credentials)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from connectors.civil_affairs import connector
from connectors.sdk import Application, BrowserPool, Credentials
from hub.errors import BusinessRejection, CredentialsRejected, RobotBroken
from simulators import create_civil_affairs_app
from tests._servers import serve
from tests.factories import valid_id_number

if TYPE_CHECKING:
    from connectors.conftest import DeliveryRecorder

#: worker-a's own account at the system, and a colleague's: each files under her own name.
HERS = Credentials(login_name="yuqi-wanghong", password="Wanghong-2026!")
COLLEAGUES = Credentials(login_name="ruixing-lifang", password="Lifang-2026!")
WRONG_PASSWORD = Credentials(login_name=HERS.login_name, password="not-the-password")


@pytest.fixture
def civil_affairs(tmp_path: Path) -> Iterator[str]:
    """The simulated system's base URL, with a fresh database and both workers' accounts."""
    accounts = {a.login_name: a.password for a in (HERS, COLLEAGUES)}
    app = create_civil_affairs_app(db_path=tmp_path / "civil_affairs.db", accounts=accounts)
    with serve(app) as base_url:
        yield base_url


def _config(base_url: str) -> dict[str, str]:
    # No login in the configuration: the account is the submitting worker's, from the vault.
    return {"base_url": base_url}


async def _records(base_url: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=base_url) as http:
        response = await http.get("/_sim/records")
        response.raise_for_status()
        records: list[dict[str, Any]] = response.json()
        return records


async def test_delivers_once_and_returns_receipt(
    civil_affairs: str,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    application: Application,
) -> None:
    ctx = recorder.context(_config(civil_affairs), browsers=browsers, account=HERS)

    receipt = await connector.deliver(ctx, application)

    [record] = await _records(civil_affairs)
    assert receipt.receipt_no == record["receipt_no"]
    assert receipt.receipt_no.startswith("MZGL")
    assert not receipt.existing
    assert record["name"] == "𠮷祥英"
    assert record["id_number"] == application.id_number
    assert record["submitted_by"] == HERS.login_name  # filed as her, not as a shared robot
    assert recorder.credential_reads == 1
    assert {"step": "submitted", "receipt_no": receipt.receipt_no} in recorder.heartbeats
    [(shot, content_type)] = recorder.evidence
    assert content_type == "image/png"
    assert shot.startswith(b"\x89PNG")
    assert ctx.evidence_ids == ["evidence-1"]


async def test_retry_after_submit_finds_existing_record_instead_of_filing_again(
    civil_affairs: str,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    application: Application,
) -> None:
    first = await connector.deliver(
        recorder.context(_config(civil_affairs), browsers=browsers, account=HERS), application
    )
    # The retry of a worker that died after submitting but before its heartbeat reached the hub.
    retry = await connector.deliver(
        recorder.context(_config(civil_affairs), browsers=browsers, account=HERS), application
    )

    assert retry.existing
    assert retry.receipt_no == first.receipt_no
    assert len(await _records(civil_affairs)) == 1


async def test_the_next_delivery_reuses_her_login_and_logs_in_again_once_it_expired(
    civil_affairs: str,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    application: Application,
) -> None:
    deliveries = [
        application.model_copy(update={"id_number": valid_id_number("19420315", "2", seq=n)})
        for n in (31, 32, 33)
    ]

    first = await connector.deliver(
        recorder.context(_config(civil_affairs), browsers=browsers, account=HERS), deliveries[0]
    )
    second = await connector.deliver(
        recorder.context(_config(civil_affairs), browsers=browsers, account=HERS), deliveries[1]
    )
    assert (recorder.credential_reads, recorder.logins_kept) == (1, 1)  # no second login
    # The system ends idle sessions: the saved login no longer works, so the robot logs in.
    async with httpx.AsyncClient(base_url=civil_affairs) as http:
        await http.put("/_sim/conditions", json={"session_timeout_s": 1})
    await asyncio.sleep(1.5)  # the system's own clock: her saved session is now idle too long
    third = await connector.deliver(
        recorder.context(_config(civil_affairs), browsers=browsers, account=HERS), deliveries[2]
    )

    assert (recorder.credential_reads, recorder.logins_kept) == (2, 2)
    receipts = {r["receipt_no"] for r in await _records(civil_affairs)}
    assert receipts == {first.receipt_no, second.receipt_no, third.receipt_no}
    assert all(r["submitted_by"] == HERS.login_name for r in await _records(civil_affairs))


async def test_heartbeated_receipt_is_returned_without_touching_the_target(
    civil_affairs: str, recorder: DeliveryRecorder, application: Application
) -> None:
    ctx = recorder.context(
        _config(civil_affairs), browsers=None, previous={"receipt_no": "MZGL20260315000007"}
    )

    receipt = await connector.deliver(ctx, application)

    assert receipt.receipt_no == "MZGL20260315000007"
    assert receipt.existing
    assert await _records(civil_affairs) == []
    assert recorder.credential_reads == 0  # her account is not even read when not needed


async def test_target_rejection_is_a_business_rejection_with_the_targets_reason(
    civil_affairs: str,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    application: Application,
) -> None:
    # Her ID number's 17th digit is even (female); the system refuses 男.
    male = application.model_copy(update={"sex": "1"})

    with pytest.raises(BusinessRejection) as raised:
        await connector.deliver(
            recorder.context(_config(civil_affairs), browsers=browsers, account=HERS), male
        )

    assert "性别与公民身份号码不一致" in raised.value.user_message
    assert await _records(civil_affairs) == []
    assert recorder.evidence == []


async def test_wrong_password_is_credentials_rejected(
    civil_affairs: str,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    application: Application,
) -> None:
    ctx = recorder.context(_config(civil_affairs), browsers=browsers, account=WRONG_PASSWORD)

    with pytest.raises(CredentialsRejected):
        await connector.deliver(ctx, application)

    assert await _records(civil_affairs) == []


async def test_each_record_is_filed_under_the_account_of_the_worker_who_submitted(
    civil_affairs: str,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    application: Application,
) -> None:
    ctx = recorder.context(_config(civil_affairs), browsers=browsers, account=COLLEAGUES)

    await connector.deliver(ctx, application)

    [record] = await _records(civil_affairs)
    assert record["submitted_by"] == COLLEAGUES.login_name


async def test_without_a_bound_account_the_robot_files_nothing(
    civil_affairs: str,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    application: Application,
) -> None:
    ctx = recorder.context(_config(civil_affairs), browsers=browsers, account=None)

    with pytest.raises(CredentialsRejected):
        await connector.deliver(ctx, application)

    assert await _records(civil_affairs) == []


async def test_check_login_accepts_her_account_and_files_nothing(
    civil_affairs: str, browsers: BrowserPool, recorder: DeliveryRecorder
) -> None:
    ctx = recorder.context(_config(civil_affairs), browsers=browsers, account=HERS)

    await connector.check_login(ctx)

    assert recorder.credential_reads == 1
    assert await _records(civil_affairs) == []


async def test_check_login_refuses_a_wrong_password(
    civil_affairs: str, browsers: BrowserPool, recorder: DeliveryRecorder
) -> None:
    ctx = recorder.context(_config(civil_affairs), browsers=browsers, account=WRONG_PASSWORD)

    with pytest.raises(CredentialsRejected):
        await connector.check_login(ctx)


def test_mapping_is_pure_and_covers_the_manifest_fields(application: Application) -> None:
    before = application.model_dump()

    values = connector.map(application)

    assert set(values) == {field.name for field in connector.manifest.fields}
    # The robot fills the form by label, so every field's name must be its on-screen label.
    assert set(values) == {field.label for field in connector.manifest.fields}
    assert values["姓名"] == "𠮷祥英"
    assert values["出生日期"] == "1942-03-15"
    assert connector.map(application) == values
    assert application.model_dump() == before


async def _decide(base_url: str, receipt_no: str, body: dict[str, str]) -> None:
    async with httpx.AsyncClient(base_url=base_url) as http:
        answer = await http.post(f"/_sim/applications/{receipt_no}/decision", json=body)
        answer.raise_for_status()


async def test_reads_the_reviewers_decision_from_the_search_page(
    civil_affairs: str,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    application: Application,
) -> None:
    receipt = await connector.deliver(
        recorder.context(_config(civil_affairs), browsers=browsers, account=HERS), application
    )
    ctx = recorder.context(_config(civil_affairs), browsers=browsers, account=HERS)
    assert await connector.check_decision(ctx, application, receipt.receipt_no) is None

    await _decide(civil_affairs, receipt.receipt_no, {"result": "approved"})
    decision = await connector.check_decision(ctx, application, receipt.receipt_no)

    [record] = await _records(civil_affairs)
    assert decision is not None
    assert decision.result == "approved"
    assert decision.amount == Decimal(record["monthly_amount"])
    assert decision.starts_on == date.fromisoformat(f"{record['start_month']}-01")
    assert decision.decided_on == date.fromisoformat(record["decided_on"])
    assert len(await _records(civil_affairs)) == 1  # reading files nothing


async def test_a_refusal_comes_back_with_the_reviewers_reason(
    civil_affairs: str,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    application: Application,
) -> None:
    ctx = recorder.context(_config(civil_affairs), browsers=browsers, account=HERS)
    receipt = await connector.deliver(ctx, application)
    await _decide(
        civil_affairs, receipt.receipt_no, {"result": "rejected", "reason": "已享受同类补贴"}
    )

    decision = await connector.check_decision(ctx, application, receipt.receipt_no)

    assert decision is not None
    assert (decision.result, decision.reason, decision.amount) == (
        "rejected",
        "已享受同类补贴",
        None,
    )


async def test_a_receipt_the_search_does_not_show_means_the_robot_is_broken(
    civil_affairs: str,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    application: Application,
) -> None:
    ctx = recorder.context(_config(civil_affairs), browsers=browsers, account=HERS)
    with pytest.raises(RobotBroken):
        await connector.check_decision(ctx, application, "MZGL20260101999999")
