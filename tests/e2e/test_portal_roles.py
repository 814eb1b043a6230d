"""Who lands where after login, and logging out."""

from __future__ import annotations

import asyncio
import re

import pytest
from keycloak import KeycloakAdmin
from playwright.async_api import Browser, expect

from hub.devstack import Stack
from tests.e2e._stack import portal_login

pytestmark = pytest.mark.e2e


async def test_operator_lands_on_her_page_with_the_temporal_ui_and_connectors(
    stack: Stack, browser: Browser
):
    context, page = await portal_login(browser, stack, "operator", lands_on="/")
    try:
        link = page.get_by_role("link", name="打开 Temporal 控制台")
        await expect(link).to_have_attribute("href", stack.settings.temporal.ui_url)
        await expect(page.locator("#connectors")).to_contain_text("省民政厅高龄津贴管理系统")
        await expect(page.locator("#connectors")).to_contain_text("市养老服务信息平台")
        response = await page.goto(stack.settings.hub.url + "/residents")
        assert response is not None and response.status == 403  # no community, no residents
    finally:
        await context.close()


async def test_logout_ends_the_hub_session_and_the_keycloak_session(stack: Stack, browser: Browser):
    context, page = await portal_login(browser, stack, "worker-a")
    try:
        await page.get_by_role("button", name="退出").click()
        await page.wait_for_url(stack.settings.hub.url + "/auth/logged-out")
        await expect(page.get_by_role("heading")).to_have_text("您已安全退出")
        await page.goto(stack.settings.hub.url + "/residents")
        # Back at Keycloak's login form: neither the hub nor Keycloak remembers her.
        assert page.url.startswith(stack.settings.keycloak.url)
        await expect(page.locator("#username")).to_be_visible()
    finally:
        await context.close()


async def test_worker_records_a_visit_and_sees_it_on_the_timeline_with_her_tags(
    stack: Stack, browser: Browser
):
    context, page = await portal_login(browser, stack, "worker-a")
    try:
        await page.get_by_label("查找居民").fill("王建国")
        await page.get_by_role("button", name="查找").click()
        await page.get_by_role("link", name=re.compile("王")).click()
        await expect(page.locator(".tags")).to_contain_text("退役军人")
        await expect(page.locator(".facts")).to_contain_text("安全状况：安全")
        await page.get_by_text("记录走访 / 服务").click()
        await page.get_by_label("类型").select_option("visit")
        await page.get_by_label("事项").fill("重阳节入户慰问")
        await page.get_by_role("button", name="保存").click()
        await expect(page.locator(".timeline")).to_contain_text("走访：重阳节入户慰问")
        # The same visit shows on her household's and her house's pages, naming her (masked).
        await page.get_by_role("link", name="（本户）").click()
        await expect(page.locator(".timeline li").first).to_contain_text("走访：重阳节入户慰问")
        await expect(page.locator(".timeline li").first).to_contain_text("（王*国）")
        await page.get_by_role("link", name="1幢1单元201室").click()
        await expect(page.get_by_text("安全状况", exact=True)).to_be_visible()
        await expect(page.locator(".timeline")).to_contain_text("走访：重阳节入户慰问")
    finally:
        await context.close()


async def test_street_viewer_sees_figures_for_each_community_of_her_street(
    stack: Stack, browser: Browser
):
    context, page = await portal_login(browser, stack, "street-viewer", lands_on="/")
    try:
        table = page.locator("#figures")
        await expect(table).to_contain_text("玉祁社区")
        await expect(table).to_contain_text("瑞星社区")
        await expect(table.locator("tbody tr")).to_have_count(2)
        response = await page.goto(stack.settings.hub.url + "/residents")
        assert response is not None and response.status == 403
    finally:
        await context.close()


async def test_keycloak_ending_her_session_ends_the_hub_session(stack: Stack, browser: Browser):
    """An administrator signs her out in Keycloak; Keycloak tells the hub over the back channel,
    and her next click in the portal asks her to log in again."""
    context, page = await portal_login(browser, stack, "worker-b")
    try:
        kc = stack.settings.keycloak
        admin = KeycloakAdmin(
            server_url=kc.url,
            username=kc.admin_user,
            password=kc.admin_password,
            realm_name="master",
            user_realm_name="master",
        )
        admin.change_current_realm(kc.realm)
        user_id = admin.get_user_id("worker-b")
        assert user_id is not None
        assert admin.get_sessions(user_id)  # the portal login made one

        await asyncio.to_thread(admin.user_logout, user_id)

        await page.goto(stack.settings.hub.url + "/residents")
        assert page.url.startswith(kc.url), "the hub session is gone, so she is sent to log in"
        await expect(page.locator("#username")).to_be_visible()
    finally:
        await context.close()
