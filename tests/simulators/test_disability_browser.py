"""The simulated 残疾人两项补贴管理系统 in a real Chromium, used as a person uses it: the region
selects fill one another, the calendar fills the read-only date, confirm() guards the post, and
what the browser posts from the GBK form arrives as typed (a name outside GBK as its reference)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Dialog, Page, async_playwright, expect

from connectors.sdk import CHROMIUM_ARGS
from simulators.disability import create_app
from tests._servers import serve

CHROMIUM = "/usr/bin/chromium"
USER, PASSWORD = "yuqi-wanghong", "Wanghong-2026!"
ID_NUMBER = "32020619420315124X"


@pytest.fixture
def base_url(tmp_path: Path, clock: Callable[[], datetime]) -> Iterator[str]:
    app = create_app(db_path=tmp_path / "disability.db", accounts={USER: PASSWORD}, clock=clock)
    with serve(app) as url:
        yield url


@pytest.fixture
async def page(base_url: str) -> AsyncIterator[Page]:
    async with async_playwright() as playwright:
        browser: Browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        try:
            context = await browser.new_context(locale="zh-CN", base_url=base_url)
            yield await context.new_page()
        finally:
            await browser.close()


async def _records(base_url: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=base_url) as http:
        records: list[dict[str, Any]] = (await http.get("/_sim/records")).json()
        return records


async def _log_in(page: Page) -> None:
    await page.goto("/login.do")
    # No <label>s on this page: a person reads the text in the row beside each box.
    await page.locator("tr", has_text="用户名").last.locator("input").fill(USER)
    await page.locator("tr", has_text=re.compile(r"密\s*码")).last.locator("input").fill(PASSWORD)
    await page.get_by_role("button", name="登 录").click()
    await expect(page.get_by_role("link", name="退出系统")).to_be_visible()


async def _fill_all_but_region_and_date(page: Page, name: str) -> None:
    await page.get_by_label("姓名", exact=True).fill(name)
    await page.get_by_label("公民身份号码").fill(ID_NUMBER)
    await page.get_by_label("性别").select_option("2")
    await page.get_by_label("残疾证号").fill(f"{ID_NUMBER}41")
    await page.get_by_label("残疾类别").select_option(label="肢体残疾")
    await page.get_by_label("残疾等级").select_option(label="一级")
    await page.get_by_label("困难残疾人生活补贴").check()
    await page.get_by_label("重度残疾人护理补贴").check()
    await page.get_by_label("详细地址").fill("惠山区玉祁街道玉祁社区3幢101室")
    await page.get_by_label("联系电话").fill("13901000315")
    await page.get_by_label("开户银行").select_option("江苏银行")
    await page.get_by_label("银行账号").fill("6228480012345678901")


async def _pick_region(page: Page) -> None:
    city, county, township = (page.locator(f"#{id_}") for id_ in ("shi", "xian", "xiang"))
    await city.select_option(label="无锡市")
    # Filled by the page's script after the look-up, a moment later.
    await expect(county.locator("option", has_text="惠山区")).to_have_count(1)
    await county.select_option(label="惠山区")
    await expect(township.locator("option", has_text="玉祁街道")).to_have_count(1)
    await township.select_option(label="玉祁街道")


async def test_a_person_files_through_cascade_calendar_and_confirm(
    page: Page, base_url: str
) -> None:
    dialogs: list[str] = []

    async def answer(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        await dialog.accept()

    page.on("dialog", answer)
    await _log_in(page)
    await page.get_by_role("link", name="两项补贴申请").click()
    await _fill_all_but_region_and_date(page, "𠮷祥英")
    await _pick_region(page)
    date_box = page.get_by_label("申请日期")
    await expect(date_box).to_have_attribute("readonly", "")
    await date_box.click()
    calendar = page.locator("#calendarDiv")
    await expect(calendar).to_contain_text("2026年11月")  # opens at the server's today
    await calendar.get_by_title("上月").click()
    await calendar.get_by_text("20", exact=True).click()
    await expect(date_box).to_have_value("2026-10-20")
    await page.get_by_role("button", name="提 交").click()

    await expect(page.get_by_text("保存成功！")).to_be_visible()
    assert dialogs == ["确定要提交该申请吗？"]
    [record] = await _records(base_url)
    assert record["name"] == "&#134071;祥英"  # Chromium posts 𠮷 from a GBK form as a reference
    assert record["address"] == "惠山区玉祁街道玉祁社区3幢101室"
    assert (record["township_code"], record["applied_on"]) == ("320206104", "2026-10-20")
    assert record["subsidy_types"] == "1,2"
    # The pages show the character again, from the stored reference.
    await expect(page.get_by_role("cell", name="𠮷祥英", exact=True)).to_be_visible()


async def test_changing_the_county_empties_the_township_until_its_list_arrives(
    page: Page,
) -> None:
    await _log_in(page)
    await page.goto("/subsidy/apply.do")
    await _pick_region(page)
    township = page.locator("#xiang")

    await page.locator("#xian").select_option(label="滨湖区")

    assert await township.input_value() == ""
    await expect(township.locator("option", has_text="胡埭镇")).to_have_count(1)
    await expect(township.locator("option", has_text="玉祁街道")).to_have_count(0)


async def test_typing_into_the_date_box_does_nothing(page: Page) -> None:
    await _log_in(page)
    await page.goto("/subsidy/apply.do")
    date_box = page.get_by_label("申请日期")

    await date_box.press_sequentially("2026-11-01")

    await expect(date_box).to_have_value("")


async def test_declining_the_confirm_posts_nothing(page: Page, base_url: str) -> None:
    answers = [False, True]  # no the first time, yes the second

    async def answer(dialog: Dialog) -> None:
        await (dialog.accept() if answers.pop(0) else dialog.dismiss())

    page.on("dialog", answer)
    await _log_in(page)
    await page.goto("/subsidy/apply.do")
    await _fill_all_but_region_and_date(page, "王秀英")
    await _pick_region(page)
    await page.get_by_label("申请日期").click()
    await page.locator("#calendarDiv").get_by_text("2", exact=True).click()
    submit = page.get_by_role("button", name="提 交")

    await submit.click()
    await expect(page.get_by_label("姓名", exact=True)).to_have_value("王秀英")
    await submit.click()

    await expect(page.get_by_text("保存成功！")).to_be_visible()
    assert answers == []
    assert len(await _records(base_url)) == 1  # the declined click posted nothing
