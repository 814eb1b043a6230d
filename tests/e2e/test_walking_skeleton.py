"""Submit once in the portal; both allowance systems and the city's data-sharing platform receive
exactly one correct record; the receipts come back to the community store; another community sees
none of it; no personal data leaks."""

from __future__ import annotations

import asyncio
import re
import uuid
from dataclasses import dataclass

import httpx
import pytest
from playwright.async_api import Browser, expect
from sqlmodel import select
from temporalio.client import Client

from hub.clock import beijing_today
from hub.demo import demo_id_number
from hub.devstack import Stack
from hub.store import (
    Delivery,
    Evidence,
    ResidentEvent,
    Submission,
    make_engine,
    session_scope,
)
from hub.store._models_audit import AuditEntry
from hub.submitting import workflow_id
from tests._temporal_history import decoded_history_text, history_text, payload_encodings
from tests.e2e._stack import DESKTOP, HubCodec, bearer, portal_login, sim_records

pytestmark = pytest.mark.e2e

NAME = "𠮷祥英"  # 𠮷 is U+20BB7, outside the BMP
ID_NUMBER = demo_id_number("19420315", "2", 10)
BANK_ACCOUNT = "6228480012345678901"
RECEIPT = re.compile(r"受理编号 (\S+)")


@dataclass
class PortalSubmission:
    submission_id: str
    resident_id: int
    shown: dict[str, str]  # target name -> what the status page showed


@pytest.fixture(scope="session")
async def submitted(stack: Stack, browser: Browser) -> PortalSubmission:
    """worker-a, on a phone-sized screen: log in, find the resident, fill the form, submit once."""
    context, page = await portal_login(browser, stack, "worker-a")
    try:
        await page.get_by_label("查找居民").fill(NAME)
        await page.get_by_role("button", name="查找").click()
        await page.get_by_role("link", name=re.compile("𠮷")).click()
        resident_id = int(page.url.rsplit("/", 1)[-1])
        await page.get_by_role("link", name="高龄津贴申请").click()
        # Prefilled from the store: she does not type the name, ID number or birth date.
        await expect(page.get_by_label("姓名")).to_have_value(NAME)
        await expect(page.get_by_label("公民身份号码")).to_have_value(re.compile(r"^3202\*+0204$"))
        await expect(page.get_by_label("津贴类别")).to_have_value("80-89")
        await page.get_by_label("开户银行").select_option("江苏银行")
        await page.get_by_label("银行账号").fill(BANK_ACCOUNT)
        await page.get_by_role("button", name=re.compile("提交")).dblclick()  # an impatient tap
        await page.wait_for_url(re.compile(r"/submissions/[0-9a-f]{32}$"))
        submission_id = page.url.rsplit("/", 1)[-1]
        # The status page updates by itself: no reload from here on.
        await expect(page.locator("#overall")).to_have_text("已受理", timeout=120_000)
        shown = {}
        for item in await page.locator("#targets > li").all():
            shown[await item.locator("strong").inner_text()] = await item.inner_text()
        return PortalSubmission(submission_id, resident_id, shown)
    finally:
        await context.close()


def test_each_system_recorded_exactly_one_correct_record(stack: Stack, submitted: PortalSubmission):
    sims = stack.settings.simulators
    civil = _ours(sims.civil_url)
    api = _ours(sims.api_url)
    collected = _ours(sims.city_data_url)
    assert len(civil) == 1 and len(api) == 1 and len(collected) == 1
    assert (civil[0]["name"], civil[0]["id_number"]) == (NAME, ID_NUMBER)
    assert (civil[0]["bank_account"], civil[0]["allowance_type"]) == (BANK_ACCOUNT, "80-89")
    # The robot logged in with worker-a's own account from the vault, not a shared one.
    assert civil[0]["submitted_by"] == "yuqi-wanghong"
    assert (api[0]["name"], api[0]["id_number"]) == (NAME, ID_NUMBER)
    assert api[0]["community_code"] == "320206104001"
    # As the form's own table maps it: no bank account, the allowance band as the summary.
    assert (collected[0]["name"], collected[0]["id_number"]) == (NAME, ID_NUMBER)
    assert (collected[0]["business_type"], collected[0]["summary"]) == ("高龄津贴", "80-89周岁")
    assert BANK_ACCOUNT not in collected[0].values()


def test_status_page_showed_both_receipts(stack: Stack, submitted: PortalSubmission):
    sims = stack.settings.simulators
    receipts = {
        "省民政厅高龄津贴管理系统": _ours(sims.civil_url)[0]["receipt_no"],
        "市养老服务信息平台": _ours(sims.api_url)[0]["receipt_no"],
        "市基层数据共享平台": _ours(sims.city_data_url)[0]["receipt_no"],
    }
    for target, receipt in receipts.items():
        assert "已受理" in submitted.shown[target]
        match = RECEIPT.search(submitted.shown[target])
        assert match and match.group(1) == receipt


def test_store_holds_both_receipts_timeline_and_evidence(stack: Stack, submitted: PortalSubmission):
    engine = make_engine(stack.settings.database_url)
    with session_scope(engine) as session:
        deliveries = session.exec(
            select(Delivery).where(Delivery.submission_id == submitted.submission_id)
        ).all()
        events = session.exec(
            select(ResidentEvent).where(
                ResidentEvent.resident_id == submitted.resident_id,
                ResidentEvent.kind == "delivery",
            )
        ).all()
        evidence = session.exec(
            select(Evidence).where(Evidence.submission_id == submitted.submission_id)
        ).all()
    sims = stack.settings.simulators
    assert {d.target: d.receipt_no for d in deliveries} == {
        "civil_affairs": _ours(sims.civil_url)[0]["receipt_no"],
        "elderly_api": _ours(sims.api_url)[0]["receipt_no"],
        "city_data": _ours(sims.city_data_url)[0]["receipt_no"],
    }
    assert sorted(e.target or "" for e in events) == ["city_data", "civil_affairs", "elderly_api"]
    assert [e.target for e in evidence] == ["civil_affairs"]
    headers = bearer(stack, "worker-a")
    shot = httpx.get(f"{stack.settings.hub.url}/api/evidence/{evidence[0].id}", headers=headers)
    assert shot.status_code == 200 and shot.content.startswith(b"\x89PNG")


def test_resubmitting_the_same_form_returns_the_same_submission(
    stack: Stack, submitted: PortalSubmission
):
    engine = make_engine(stack.settings.database_url)
    with session_scope(engine) as session:
        submission = session.get(Submission, submitted.submission_id)
        assert submission is not None
        client_key = submission.client_key
    answer = httpx.post(
        f"{stack.settings.hub.url}/api/submissions",
        headers=bearer(stack, "worker-a"),
        json={
            "resident_id": submitted.resident_id,
            "form_id": "elderly-allowance",
            "client_key": client_key,
            "answers": _answers(),
        },
        timeout=30,
    )
    assert answer.status_code == 200
    assert answer.json()["id"] == submitted.submission_id
    sims = stack.settings.simulators
    assert len(_ours(sims.civil_url)) == 1 and len(_ours(sims.api_url)) == 1
    assert len(_ours(sims.city_data_url)) == 1


async def test_a_new_submission_for_the_same_person_files_nothing_twice(
    stack: Stack, submitted: PortalSubmission
):
    """A second submission (a new client key) runs the whole fan-out again; every connector looks
    the person up first and returns the existing receipt instead of filing again."""
    hub = stack.settings.hub.url
    headers = bearer(stack, "worker-a")
    created = await asyncio.to_thread(
        httpx.post,
        f"{hub}/api/submissions",
        headers=headers,
        json={
            "resident_id": submitted.resident_id,
            "form_id": "elderly-allowance",
            "client_key": uuid.uuid4().hex,
            "answers": _answers(),
        },
        timeout=30,
    )
    assert created.status_code == 201
    second = created.json()["id"]
    assert second != submitted.submission_id
    view = await _wait_until_done(hub, second, headers)
    sims = stack.settings.simulators
    assert len(_ours(sims.civil_url)) == 1 and len(_ours(sims.api_url)) == 1
    assert len(_ours(sims.city_data_url)) == 1
    receipts = {d["target"]: d["receipt_no"] for d in view["deliveries"]}
    assert receipts == {
        "civil_affairs": _ours(sims.civil_url)[0]["receipt_no"],
        "elderly_api": _ours(sims.api_url)[0]["receipt_no"],
        "city_data": _ours(sims.city_data_url)[0]["receipt_no"],
    }


def test_worker_b_gets_404_for_worker_a_resident_and_submission_through_the_api(
    stack: Stack, submitted: PortalSubmission
):
    hub = stack.settings.hub.url
    headers = bearer(stack, "worker-b")
    assert (
        httpx.get(f"{hub}/api/residents/{submitted.resident_id}", headers=headers).status_code
        == 404
    )
    assert (
        httpx.get(f"{hub}/api/submissions/{submitted.submission_id}", headers=headers).status_code
        == 404
    )
    own = httpx.get(f"{hub}/api/residents", headers=headers).json()
    assert own and submitted.resident_id not in {r["id"] for r in own}
    worker_a = httpx.get(
        f"{hub}/api/residents/{submitted.resident_id}", headers=bearer(stack, "worker-a")
    )
    assert worker_a.status_code == 200  # the same request with the right community works


async def test_worker_b_gets_404_for_worker_a_resident_and_submission_in_the_portal(
    stack: Stack, browser: Browser, submitted: PortalSubmission
):
    context, page = await portal_login(browser, stack, "worker-b")
    try:
        hub = stack.settings.hub.url
        for path in (
            f"/residents/{submitted.resident_id}",
            f"/submissions/{submitted.submission_id}",
        ):
            response = await page.goto(hub + path)
            assert response is not None and response.status == 404
            await expect(page.get_by_role("alert")).to_contain_text("无权查看")
            await expect(page.get_by_text(NAME)).to_have_count(0)
    finally:
        await context.close()


def test_api_without_a_token_is_401(stack: Stack):
    answer = httpx.get(f"{stack.settings.hub.url}/api/residents")
    assert answer.status_code == 401
    assert answer.json()["message"] == "请先登录"


async def test_her_accounts_page_shows_which_robot_used_her_account_and_for_what(
    stack: Stack, browser: Browser, submitted: PortalSubmission
):
    context, page = await portal_login(browser, stack, "worker-a")
    try:
        await page.get_by_role("link", name="我的系统账号").click()
        account = page.locator("#account-civil_affairs")
        await expect(account.locator(".login")).to_have_text("yuqi-wanghong")
        # The delivery's use (decision checks for the same submission have rows of their own).
        link = page.locator(f'a[href="/submissions/{submitted.submission_id}"]')
        row = account.locator("tbody tr", has=link, has_text="提交申请")
        await expect(row).to_contain_text("省民政厅高龄津贴管理系统")
        await expect(row).to_contain_text("已使用")
        await expect(row.locator("td").first).to_have_text(
            re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")
        )
    finally:
        await context.close()


async def test_no_personal_data_in_workflow_ids_history_or_logs(
    stack: Stack, submitted: PortalSubmission
):
    temporal = stack.settings.temporal
    client = await Client.connect(temporal.address, namespace=temporal.namespace)
    handle = client.get_workflow_handle(workflow_id(submitted.submission_id))
    ids = [wf.id async for wf in client.list_workflows()]
    phone = _ours(stack.settings.simulators.api_url)[0]["phone"]
    # The demo workers' own passwords at the civil-affairs system, from the vault.
    passwords = list(stack.settings.simulators.civil_accounts.values())
    secrets = [NAME, ID_NUMBER, phone, BANK_ACCOUNT, *passwords]
    assert handle.id in ids
    assert any(i.startswith("credential-check-") for i in ids)  # tests/e2e/test_accounts.py
    # What an operator reads through the Temporal UI: payloads decrypted by the hub.
    hub_codec = HubCodec(stack, await asyncio.to_thread(bearer, stack, "operator"))
    for wf_id in ids:
        stored = await client.get_workflow_handle(wf_id).fetch_history()
        # As Temporal keeps it: every payload encrypted (workflows/codec.py).
        assert set(payload_encodings(stored)) == {"binary/encrypted"}, wf_id
        raw = history_text(stored)
        # Payloads decoded: inputs, results, failures and heartbeats are all searched.
        history = await decoded_history_text(stored, hub_codec)
        assert '"connector_id": ' in history, wf_id  # the control: decoded inputs are read
        assert '"connector_id": ' not in raw, wf_id
        for secret in secrets:
            assert secret not in raw, f"{secret[:2]}… stored in the history of {wf_id}"
            assert secret not in history, f"{secret[:2]}… in the history of {wf_id}"
            assert secret not in wf_id
    for path, user in [
        ("/api/accounts", "worker-a"),
        ("/api/accounts", "worker-b"),
        (f"/api/submissions/{submitted.submission_id}", "worker-a"),
    ]:
        headers = await asyncio.to_thread(bearer, stack, user)
        answer = await asyncio.to_thread(httpx.get, stack.settings.hub.url + path, headers=headers)
        assert answer.status_code == 200
        assert not any(p in answer.text for p in passwords), path
    logs = sorted((stack.data_dir / "logs").glob("*.log"))
    assert {p.name for p in logs} >= {"hub.log", "worker.log", "simulators.log"}
    for log in logs:
        text = log.read_text(errors="replace")
        for secret in secrets:
            assert secret not in text, f"{secret[:2]}… found in {log.name}"


async def test_an_operator_reads_the_submission_decrypted_in_the_temporal_ui(
    stack: Stack, browser: Browser, submitted: PortalSubmission
):
    """The UI decrypts through the hub's codec endpoint, with her portal session. The dev server
    cannot tell the UI to send cookies, so she turns that on once in the UI's Codec Server
    dialog (docs/operations.md); a worker doing the same still sees ciphertext."""
    t = stack.settings.temporal
    url = f"{t.ui_url}/namespaces/{t.namespace}/workflows/{workflow_id(submitted.submission_id)}"
    for user, lands_on in (("operator", "/"), ("worker-a", "/residents")):
        context, page = await portal_login(browser, stack, user, lands_on, viewport=DESKTOP)
        try:
            await page.goto(url)
            await page.get_by_test_id(re.compile("^data-encoder-status")).click()
            await page.get_by_test_id("use-local-endpoint-input").click()
            await page.locator("#data-encoder-endpoint-input").fill(
                f"{stack.settings.hub.url}/codec"
            )
            await page.locator("label").filter(has_text="Include cross-origin credentials").click()
            await page.locator("#data-encoder-settings [data-testid=confirm-modal-button]").click()
            await page.reload()
            if user == "operator":
                await expect(page.locator("body")).to_contain_text('"form_title"')
                await expect(page.get_by_test_id("data-encoder-status-success")).to_be_visible()
            else:
                await expect(page.get_by_test_id("data-encoder-status-error")).to_be_visible()
                assert '"form_title"' not in await page.locator("body").inner_text()
        finally:
            await context.close()
    engine = make_engine(stack.settings.database_url)
    with session_scope(engine) as session:
        readers = {e.actor for e in session.exec(select(AuditEntry)) if e.action == "reveal"}
    engine.dispose()
    assert "operator" in readers and "worker-a" not in readers  # her reads are in the audit log


async def test_review_decisions_come_back_to_the_status_page_and_the_timeline(
    stack: Stack, browser: Browser, submitted: PortalSubmission
):
    """Each target's reviewers decide in their own system; the hub brings it back (回流)."""
    sims = stack.settings.simulators
    civil, api = _ours(sims.civil_url)[0], _ours(sims.api_url)[0]
    async with httpx.AsyncClient() as http:
        for url, receipt, body in [
            (sims.civil_url, civil["receipt_no"], {"result": "approved"}),
            (sims.api_url, api["receipt_no"], {"result": "rejected", "reason": "户籍不在本市"}),
        ]:
            answer = await http.post(f"{url}/_sim/applications/{receipt}/decision", json=body)
            assert answer.status_code == 200, answer.text
    context, page = await portal_login(browser, stack, "worker-a")
    try:
        await page.goto(f"{stack.settings.hub.url}/submissions/{submitted.submission_id}")
        civil_line = page.locator('#targets > li[data-target="civil_affairs"] .decision')
        api_line = page.locator('#targets > li[data-target="elderly_api"] .decision')
        # The robot reads 申请查询 again, the API client asks by receipt: both within seconds.
        await expect(civil_line).to_have_text(
            re.compile(r"^审核通过，每月100元，自\d{4}-\d{2}-01起发放$"), timeout=60_000
        )
        await expect(api_line).to_have_text("不予批准：户籍不在本市", timeout=60_000)
        await page.goto(f"{stack.settings.hub.url}/residents/{submitted.resident_id}")
        timeline = page.locator(".timeline")
        await expect(timeline).to_contain_text("省民政厅高龄津贴管理系统：审核通过，每月100元")
        await expect(timeline).to_contain_text("市养老服务信息平台：不予批准：户籍不在本市")
    finally:
        await context.close()
    engine = make_engine(stack.settings.database_url)
    with session_scope(engine) as session:
        decided = session.exec(
            select(ResidentEvent).where(
                ResidentEvent.submission_id == submitted.submission_id,
                ResidentEvent.kind == "decision",
            )
        ).all()
    assert sorted(e.target or "" for e in decided) == ["civil_affairs", "elderly_api"]


def _answers() -> dict[str, str]:
    return {
        "phone": "13901000315",
        "address": "无锡市惠山区玉祁街道玉祁社区1幢1单元101室",
        "allowance_type": "80-89",
        "bank": "江苏银行",
        "bank_account": BANK_ACCOUNT,
        "applied_on": beijing_today().isoformat(),  # the day in China, as the portal has it
    }


async def _wait_until_done(hub: str, submission_id: str, headers: dict[str, str]) -> dict:
    async with httpx.AsyncClient(base_url=hub, headers=headers) as http:
        for _ in range(240):
            view = (await http.get(f"/api/submissions/{submission_id}")).json()
            if view["status"] != "in_progress":
                return view
            await asyncio.sleep(0.5)
    raise AssertionError("submission did not finish within two minutes")


async def test_bad_input_is_explained_in_chinese_and_nothing_typed_is_lost(
    stack: Stack, browser: Browser
):
    context, page = await portal_login(browser, stack, "worker-a")
    try:
        await page.get_by_label("查找居民").fill("王建国")
        await page.get_by_role("button", name="查找").click()
        await page.get_by_role("link", name=re.compile("王")).click()
        await page.get_by_role("link", name="高龄津贴申请").click()
        posted: list[str] = []
        page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
        await page.get_by_label("联系电话").fill("13912345678")
        await page.get_by_label("开户银行").select_option("中国农业银行")
        await page.get_by_label("银行账号").fill("1234")
        await page.get_by_role("button", name=re.compile("提交")).click()
        await expect(page.get_by_text("银行账号应为16-19位数字")).to_be_visible()
        # Said by the page itself, from the template's rules: nothing went to the server.
        assert posted == []
        await expect(page.get_by_label("联系电话")).to_have_value("13912345678")
        await expect(page.get_by_label("开户银行")).to_have_value("中国农业银行")
        await expect(page.get_by_label("银行账号")).to_have_value("1234")
        # Fixing the one field is enough to go through.
        await page.get_by_label("银行账号").fill("6228480012345678902")
        await page.get_by_role("button", name=re.compile("提交")).click()
        await page.wait_for_url(re.compile(r"/submissions/[0-9a-f]{32}$"))
    finally:
        await context.close()


def _ours(url: str) -> list[dict[str, str]]:
    """What a simulator received for this test's resident (other tests file other people)."""
    return [r for r in sim_records(url) if r["id_number"] == ID_NUMBER]
