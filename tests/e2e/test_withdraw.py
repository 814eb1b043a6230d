"""撤回报送 through the whole stack: she submits 高龄津贴申请, the civil-affairs system is slow
today, and she withdraws while its robot is still on the way. The robot stops before filing
(its browser context closed), the delivery says 已撤回, and the system never receives it."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest
from playwright.async_api import Browser, expect

from hub.demo import demo_id_number
from hub.devstack import Stack
from tests.e2e._stack import portal_login, sim_records

pytestmark = pytest.mark.e2e

#: 李秀兰 of 玉祁社区 (worker-a's community), 88 in the demo data.
LI, LI_ID = "李秀兰", demo_id_number("19380122", "2", 12)


def _latency(url: str, ms: int) -> None:
    httpx.put(f"{url}/_sim/conditions", json={"latency_ms": [ms, ms]}, timeout=10)


async def test_she_withdraws_while_the_robot_is_on_its_way(stack: Stack, browser: Browser):
    civil = stack.settings.simulators.civil_url
    # Every page of the civil-affairs system takes 4 s: the robot needs a dozen or more.
    await asyncio.to_thread(_latency, civil, 4000)
    context, page = await portal_login(browser, stack, "worker-a")
    try:
        await page.get_by_label("查找居民").fill(LI)
        await page.get_by_role("button", name="查找").click()
        await page.get_by_role("link", name=re.compile(r"^李.兰")).click()
        await page.get_by_role("link", name="高龄津贴申请").click()
        await page.get_by_label("开户银行").select_option("江苏银行")
        await page.get_by_label("银行账号").fill("6228480012345678903")
        await page.get_by_role("button", name=re.compile("提交")).click()
        await page.wait_for_url(re.compile(r"/submissions/[0-9a-f]{32}$"))
        civil_line = page.locator('[data-target="civil_affairs"]')
        await expect(civil_line.locator(".status")).to_have_text("正在提交", timeout=30_000)

        page.once("dialog", lambda dialog: dialog.accept())  # 确定撤回？
        await page.get_by_role("button", name="撤回报送").click()

        await expect(civil_line.locator(".status")).to_have_text("已撤回", timeout=60_000)
        await expect(civil_line.locator(".message")).to_have_text("已撤回，未向该系统报送")
        await expect(page.get_by_role("button", name="撤回报送")).to_be_hidden()
        await expect(page.locator("#overall")).to_have_text(re.compile("已撤回|需要处理"))
    finally:
        await context.close()
        await asyncio.to_thread(_latency, civil, 0)

    assert [r for r in sim_records(civil) if r["id_number"] == LI_ID] == []  # never filed there
