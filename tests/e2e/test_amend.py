"""修改后重新报送 through the whole stack: she corrects a phone number after every system accepted
高龄津贴申请. The city platform (which takes corrections) gets it under its receipt; the
civil-affairs system and the data-sharing platform (which do not) are shown as 需手工修改 with
their receipts, and nothing goes there."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, expect

from hub.demo import demo_id_number
from hub.devstack import Stack
from tests.e2e._stack import portal_login, sim_records

pytestmark = pytest.mark.e2e

#: 张德福 of 玉祁社区 (worker-a's community), 86 in the demo data.
ZHANG, ZHANG_ID = "张德福", demo_id_number("19400911", "1", 13)
ACCOUNT, CORRECTED = "6228480012345678911", "13912340086"


async def test_she_corrects_a_submission_and_each_system_gets_what_it_can_take(
    stack: Stack, browser: Browser
):
    sims = stack.settings.simulators
    context, page = await portal_login(browser, stack, "worker-a")
    try:
        await page.get_by_label("查找居民").fill(ZHANG)
        await page.get_by_role("button", name="查找").click()
        await page.get_by_role("link", name=re.compile(r"^张.福")).click()
        await page.get_by_role("link", name="高龄津贴申请").click()
        await page.get_by_label("开户银行").select_option("江苏银行")
        await page.get_by_label("银行账号").fill(ACCOUNT)
        await page.get_by_role("button", name=re.compile("提交")).click()
        await page.wait_for_url(re.compile(r"/submissions/[0-9a-f]{32}$"))
        first_url = page.url
        await expect(page.locator("#overall")).to_have_text("已受理", timeout=120_000)
        civil_receipt = await page.locator('[data-target="civil_affairs"] .receipt').inner_text()
        api_receipt = await page.locator('[data-target="elderly_api"] .receipt').inner_text()
        data_receipt = await page.locator('[data-target="city_data"] .receipt').inner_text()

        await page.get_by_role("link", name="修改后重新报送").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("高龄津贴申请 · 修改")
        await expect(page.get_by_label("银行账号")).to_have_value(ACCOUNT)  # what she sent
        await page.get_by_label("联系电话").fill(CORRECTED)
        await page.get_by_role("button", name=re.compile("提交")).click()
        await page.wait_for_url(re.compile(r"/submissions/[0-9a-f]{32}$"))
        assert page.url != first_url  # a new submission; the first one stays as it was

        api_line = page.locator('[data-target="elderly_api"]')
        await expect(api_line.locator(".status")).to_have_text("已受理", timeout=120_000)
        await expect(api_line.locator(".receipt")).to_have_text(api_receipt)  # the same one
        civil_line = page.locator('[data-target="civil_affairs"]')
        await expect(civil_line.locator(".status")).to_have_text("需手工修改")
        await expect(civil_line.locator(".message")).to_contain_text(
            civil_receipt.removeprefix("受理编号 ")
        )
        data_line = page.locator('[data-target="city_data"]')
        await expect(data_line.locator(".status")).to_have_text("需手工修改")
        await expect(data_line.locator(".message")).to_contain_text(
            data_receipt.removeprefix("受理编号 ")
        )
        await expect(page.get_by_role("link", name="原报送")).to_have_attribute(
            "href", first_url.removeprefix(stack.settings.hub.url)
        )
    finally:
        await context.close()

    [city] = [r for r in sim_records(sims.api_url) if r["id_number"] == ZHANG_ID]
    assert (city["phone"], city["amendments"]) == (CORRECTED, 1)
    [civil] = [r for r in sim_records(sims.civil_url) if r["id_number"] == ZHANG_ID]
    assert civil["phone"] != CORRECTED  # filed once; she corrects it there by hand
    [collected] = [r for r in sim_records(sims.city_data_url) if r["id_number"] == ZHANG_ID]
    assert collected["phone"] != CORRECTED
