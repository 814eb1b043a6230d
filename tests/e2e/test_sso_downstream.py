"""A line-department system that trusts Keycloak: the worker opens it from the portal already
logged in, and a robot acts in it as her with a token exchanged for that system only."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Dialog, expect

from hub.auth import OidcClient
from hub.demo import demo_id_number
from hub.devstack import Stack
from tests.e2e._stack import bearer, portal_login, sim_records

pytestmark = pytest.mark.e2e

#: 唐素琴 of 瑞星社区 in the demo data: a valid ID number, born 1941-04-19, female.
_ID_NUMBER = demo_id_number("19410419", "2", 200)


async def test_she_opens_the_system_from_the_portal_already_logged_in(
    stack: Stack, browser: Browser
):
    context, page = await portal_login(browser, stack, "worker-a")
    try:
        await page.goto(stack.settings.hub.url + "/accounts")
        async with context.expect_page() as opened:
            await page.get_by_role("link", name="打开江苏省民政厅社会救助系统").click()
        system = await opened.value
        # Keycloak remembers her from the portal login: no password asked, straight back.
        await system.wait_for_url(re.compile(re.escape(stack.settings.simulators.social_url)))
        await expect(system.locator("#current-user")).to_have_text("王 丽（worker-a）")
    finally:
        await context.close()


async def test_a_robot_files_in_the_system_as_her_with_an_exchanged_token(
    stack: Stack, browser: Browser
):
    kc = stack.settings.keycloak
    hub = OidcClient(
        issuer=kc.issuer,
        client_id=kc.client_id,
        client_secret=kc.client_secret,
        redirect_uri=f"{stack.settings.hub.url}/auth/callback",
    )
    her_token = bearer(stack, "worker-b")["Authorization"].removeprefix("Bearer ")
    exchanged = hub.exchange(her_token, stack.settings.simulators.social_client_id).access_token
    context = await browser.new_context(
        extra_http_headers={"Authorization": f"Bearer {exchanged}"}, locale="zh-CN"
    )
    try:
        page = await context.new_page()
        alerts: list[str] = []

        async def answer(dialog: Dialog) -> None:
            alerts.append(dialog.message)
            await dialog.accept()

        page.on("dialog", answer)
        social = stack.settings.simulators.social_url
        await page.goto(f"{social}/dibao/new")
        await expect(page.locator("#current-user")).to_have_text("李 强（worker-b）")
        await page.get_by_label("申请人姓名").fill("唐素琴")
        await page.get_by_label("公民身份号码").fill(_ID_NUMBER)
        await page.get_by_label("性别").select_option("2")
        await page.get_by_label("家庭人口").fill("2")
        await page.get_by_label("家庭月人均收入（元）").fill("600")
        await page.get_by_label("户籍地址").fill("无锡市惠山区玉祁街道瑞星社区3幢101室")
        await page.get_by_label("所属社区").fill("瑞星社区")
        await page.get_by_label("申请原因").fill("年老体弱，无固定收入")
        await page.get_by_label("联系电话").fill("13902000419")
        await page.get_by_label("申请日期").fill("2026-11-28")
        await page.get_by_role("button", name="提交申请").click()
        receipt = page.locator("#receipt-no")
        await expect(receipt).to_have_text(re.compile(r"^SHJZ\d{14}$"))
        number = await receipt.inner_text()
    finally:
        await context.close()
    assert alerts[0] == "确认提交该低保申请？"
    assert f"提交成功，受理编号：{number}" in alerts
    [record] = [r for r in sim_records(social) if r["receipt_no"] == number]
    assert record["submitted_by"] == "worker-b"  # filed as her, not as a shared robot account


def test_the_exchanged_token_opens_nothing_in_the_hub(stack: Stack):
    import httpx

    kc = stack.settings.keycloak
    hub = OidcClient(
        issuer=kc.issuer,
        client_id=kc.client_id,
        client_secret=kc.client_secret,
        redirect_uri=f"{stack.settings.hub.url}/auth/callback",
    )
    her_token = bearer(stack, "worker-a")["Authorization"].removeprefix("Bearer ")
    exchanged = hub.exchange(her_token, stack.settings.simulators.social_client_id).access_token
    answer = httpx.get(
        f"{stack.settings.hub.url}/api/residents",
        headers={"Authorization": f"Bearer {exchanged}"},
    )
    assert answer.status_code == 401
