"""我的系统账号 on the real stack: a worker's own account at the civil-affairs system is kept only
after the worker process's robot logged in with it, in Chromium, at the simulated system."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, expect

from hub.devstack import Stack
from tests.e2e._stack import portal_login

pytestmark = pytest.mark.e2e


async def test_a_worker_rebinds_her_account_and_a_wrong_password_is_never_kept(
    stack: Stack, browser: Browser
):
    password = stack.settings.simulators.civil_accounts["ruixing-lifang"]
    context, page = await portal_login(browser, stack, "worker-b")
    try:
        await page.get_by_role("link", name="我的系统账号").click()
        account = page.locator("#account-civil_affairs")
        # Bound by the demo seed: hers, not worker-a's, and not a shared robot account.
        await expect(account.locator(".login")).to_have_text("ruixing-lifang")
        await expect(account.locator(".state")).to_contain_text("已验证")

        await account.get_by_text("更换账号").click()
        await account.get_by_label("账号", exact=True).fill("ruixing-lifang")
        await account.get_by_label("密码", exact=True).fill("Lifang-2025!")  # last year's
        await account.get_by_role("button", name="试登录并保存").click()
        await expect(account.get_by_role("alert")).to_have_text("账号或密码错误")
        await expect(account.locator(".state")).to_contain_text("已验证")  # the old one stays
        await expect(account.get_by_label("密码", exact=True)).to_have_value("")

        await account.get_by_label("密码", exact=True).fill(password)
        await account.get_by_role("button", name="试登录并保存").click()
        await expect(account.get_by_role("status")).to_have_text("已验证，账号已保存。")
        uses = account.get_by_role("table", name=re.compile("账号使用记录"))
        await expect(uses.locator("tbody tr").nth(0)).to_contain_text("验证账号")
        await expect(uses.locator("tbody tr").nth(0)).to_contain_text("已使用")
        await expect(uses.locator("tbody tr").nth(1)).to_contain_text("登录被拒绝")
    finally:
        await context.close()
