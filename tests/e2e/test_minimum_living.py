"""最低生活保障申请 through the whole stack: she submits once in the portal; the hub exchanges her
Keycloak token for the social-assistance system's, and the robot files there as her. When the
hub could not get her a token (her Keycloak session had ended), the delivery waits until she logs
in again and presses 重新登录并继续报送. No token ever reaches Temporal or the logs."""

from __future__ import annotations

import asyncio
import re
import uuid
from pathlib import Path

import httpx
import pytest
from keycloak import KeycloakAdmin
from playwright.async_api import Browser, expect
from temporalio.client import Client

from hub.clock import beijing_today
from hub.crypto import FieldCipher
from hub.demo import demo_id_number
from hub.devstack import Stack
from hub.store import Submission, make_engine, session_scope, submission_data
from hub.submitting import workflow_id
from tests._temporal_history import decoded_history_text, history_text, payload_encodings
from tests.e2e._stack import bearer, portal_login, sim_records
from workflows.codec import EncryptionCodec

pytestmark = pytest.mark.e2e

#: 董和平 and 萧玉梅 of 瑞星社区 (worker-b's community) in the demo data.
DONG, DONG_ID = "董和平", demo_id_number("19501001", "1", 203)
XIAO, XIAO_ID = "萧玉梅", demo_id_number("19460612", "2", 204)
#: His wife, of his household in the demo data (hub/demo.py _FAMILIES).
WIFE_ID = demo_id_number("19520708", "2", 300)
#: A JSON web token: base64url of '{"' (header), a dot, base64url of '{"' (claims).
JWT = re.compile(r"eyJ[\w-]+\.eyJ[\w-]+")
RECEIPT = re.compile(r"受理编号 (SHJZ\d{14})")


def _ours(stack: Stack, id_number: str) -> list[dict[str, str]]:
    records = sim_records(stack.settings.simulators.social_url)
    return [r for r in records if r["id_number"] == id_number]


async def test_she_submits_once_and_the_robot_files_as_her(stack: Stack, browser: Browser):
    context, page = await portal_login(browser, stack, "worker-b")
    try:
        await page.get_by_label("查找居民").fill(DONG)
        await page.get_by_role("button", name="查找").click()
        await page.get_by_role("link", name=re.compile("董")).click()
        await page.get_by_role("link", name="最低生活保障申请").click()
        # What the store knows is there already; she types only what it does not know.
        await expect(page.get_by_label("申请人姓名")).to_have_value(DONG)
        # So are the others of his household: their names and (masked) ID numbers are the
        # store's; she adds only what each earns.
        members = page.locator('[data-group="members"] .item')
        await expect(members).to_have_count(2)
        for i, name in enumerate(("钱素英", "董建新")):
            await expect(members.nth(i).get_by_label("姓名")).to_have_value(name)
        await expect(members.first.get_by_label("公民身份号码")).to_have_value(
            f"{WIFE_ID[:4]}**********{WIFE_ID[-4:]}"
        )
        for i, (work, income) in enumerate((("retired", "0"), ("unemployed", "0"))):
            await members.nth(i).get_by_label("就业状况").select_option(work)
            await members.nth(i).get_by_label("月收入（元）").fill(income)
        await page.get_by_label("家庭人口").fill("3")
        await page.get_by_label("家庭月人均收入（元）").fill("abc")
        await page.get_by_label("申请原因").fill("因病丧失劳动能力，无固定收入")
        await page.get_by_role("button", name=re.compile("提交")).click()
        # A bad amount comes back in Chinese beside its field, with what she typed kept.
        await expect(page.locator(".field.invalid .field-error")).to_contain_text("金额")
        await expect(page.get_by_label("申请原因")).to_have_value("因病丧失劳动能力，无固定收入")
        await page.get_by_label("家庭月人均收入（元）").fill("450")
        await page.get_by_role("button", name=re.compile("提交")).click()
        await page.wait_for_url(re.compile(r"/submissions/[0-9a-f]{32}$"))
        submission_id = page.url.rsplit("/", 1)[-1]
        await expect(page.locator("#overall")).to_have_text("已受理", timeout=120_000)
        shown = await page.locator("#targets").inner_text()
    finally:
        await context.close()

    [record] = _ours(stack, DONG_ID)
    assert record["submitted_by"] == "worker-b"  # as her, through single sign-on
    assert (record["name"], record["household_size"], record["monthly_income"]) == (
        DONG,
        "3",
        "450",
    )
    match = RECEIPT.search(shown)
    assert match and match.group(1) == record["receipt_no"]
    engine = make_engine(stack.settings.database_url)
    try:
        with session_scope(engine) as session:
            submission = session.get(Submission, submission_id)
            assert submission is not None
            kept = submission_data(cipher=FieldCipher(**stack.settings.crypto.model_dump()),
                                   submission=submission)  # fmt: skip
    finally:
        engine.dispose()
    assert [
        (m["member_name"], m["member_id_number"], m["employment"]) for m in kept["members"]
    ] == [
        ("钱素英", WIFE_ID, "retired"),
        ("董建新", demo_id_number("19780315", "1", 301), "unemployed"),
    ]  # the store's full ID numbers, never the masked ones the page showed
    await _assert_no_tokens_in_history_or_logs(stack, submission_id)
    # Nor in what the API answers about the submission and her accounts (which list the use).
    headers = bearer(stack, "worker-b")
    hub = stack.settings.hub.url
    for path in (f"/api/submissions/{submission_id}", "/api/accounts"):
        answer = await asyncio.to_thread(httpx.get, hub + path, headers=headers)
        assert answer.status_code == 200 and not JWT.search(answer.text)
    listed = await asyncio.to_thread(httpx.get, hub + "/api/accounts", headers=headers)
    [sso] = [a for a in listed.json() if a["connector_id"] == "social_assistance"]
    assert sso["state"] == "sso"
    assert any(u["submission_id"] == submission_id for u in sso["uses"])  # she sees the use


async def test_without_a_live_session_the_delivery_waits_until_she_logs_in_again(
    stack: Stack, browser: Browser
):
    hub = stack.settings.hub.url
    headers = bearer(stack, "worker-b")  # an API client's token: the hub checks it locally
    # So Keycloak will not exchange it any more.
    await asyncio.to_thread(_end_her_keycloak_sessions, stack, "worker-b")
    found = await asyncio.to_thread(
        httpx.get, f"{hub}/api/residents", params={"q": XIAO}, headers=headers
    )
    residents = found.json()
    [resident] = [r for r in residents if r["name_masked"].startswith("萧")]
    created = await asyncio.to_thread(
        httpx.post,
        f"{hub}/api/submissions",
        headers=headers,
        json={
            "resident_id": resident["id"],
            "form_id": "minimum-living",
            "client_key": uuid.uuid4().hex,
            "answers": {
                "phone": "13902040612",
                "address": "无锡市惠山区玉祁街道瑞星社区1幢1单元501室",
                "household_size": "1",
                "monthly_income": "300",
                "application_reason": "独居老人，无退休金",
                "applied_on": beijing_today().isoformat(),  # the day in China, as the portal has it
            },
        },
        timeout=30,
    )
    assert created.status_code == 201, created.text
    submission_id = created.json()["id"]

    context, page = await portal_login(browser, stack, "worker-b")
    try:
        await page.goto(f"{hub}/submissions/{submission_id}")
        line = page.locator('[data-target="social_assistance"]')
        await expect(line.locator(".status")).to_have_text("等待重新登录", timeout=60_000)
        assert _ours(stack, XIAO_ID) == []  # nothing filed without her

        await line.get_by_role("button", name="重新登录并继续报送").click()

        await expect(page.locator("#overall")).to_have_text("已受理", timeout=120_000)
    finally:
        await context.close()
    [record] = _ours(stack, XIAO_ID)
    assert record["submitted_by"] == "worker-b"
    await _assert_no_tokens_in_history_or_logs(stack, submission_id)


def _end_her_keycloak_sessions(stack: Stack, username: str) -> None:
    kc = stack.settings.keycloak
    admin = KeycloakAdmin(
        server_url=kc.url,
        username=kc.admin_user,
        password=kc.admin_password,
        realm_name="master",
        user_realm_name="master",
    )
    admin.change_current_realm(kc.realm)
    user_id = admin.get_user_id(username)
    assert user_id is not None
    admin.user_logout(user_id)


async def _assert_no_tokens_in_history_or_logs(stack: Stack, submission_id: str) -> None:
    temporal = stack.settings.temporal
    client = await Client.connect(temporal.address, namespace=temporal.namespace)
    history = await client.get_workflow_handle(workflow_id(submission_id)).fetch_history()
    assert set(payload_encodings(history)) == {"binary/encrypted"}  # as Temporal keeps it
    assert not JWT.search(history_text(history))
    # And as a client holding the keys reads it (the hub, a worker).
    keys = EncryptionCodec(keys=temporal.codec_keys, current=temporal.codec_current_key)
    text = await decoded_history_text(history, keys)
    assert submission_id in text and '"connector_id": ' in text  # the control: decoded
    assert not JWT.search(text)
    logs: list[Path] = sorted(stack.log_dir.glob("*.log"))
    assert logs
    for log in logs:
        if log.name == "keycloak.log":
            continue  # Keycloak's own log is Keycloak's business, and holds no tokens either way
        assert not JWT.search(log.read_text(errors="replace")), f"a token in {log.name}"
