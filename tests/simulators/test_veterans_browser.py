"""A person in real Chromium: reads the CAPTCHA (the test hook stands in for her eyes), logs in,
and walks the 信息采集 wizard inside the work-area frame, back and forth, to its 采集编号."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, FrameLocator, Page, async_playwright, expect

from connectors.sdk import CHROMIUM_ARGS
from simulators.veterans import create_app
from tests._servers import serve

USER, PASSWORD = "yuqi-wanghong", "Wanghong-2026!"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def base_url(tmp_path: Path, clock: Callable[[], datetime]) -> Iterator[str]:
    app = create_app(db_path=tmp_path / "veterans.db", accounts={USER: PASSWORD}, clock=clock)
    with serve(app) as url:
        yield url


@pytest.fixture
async def page(base_url: str) -> AsyncIterator[Page]:
    async with async_playwright() as playwright:
        browser: Browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        try:
            context = await browser.new_context(locale="zh-CN")
            yield await context.new_page()
        finally:
            await browser.close()


async def _hook(base_url: str, path: str) -> Any:
    async with httpx.AsyncClient(base_url=base_url) as http:
        answer = await http.get(path)
        answer.raise_for_status()
        return answer.json()


async def _read_captcha(page: Page, base_url: str) -> str:
    """What she reads off the image on screen (the hook knows the code it was drawn from)."""
    image = page.get_by_role("img", name="验证码")
    await expect(image).to_be_visible()
    # The image really loaded and decoded: a broken one has no natural width.
    assert await image.evaluate("img => img.complete && img.naturalWidth") == 130
    answer: str = (await _hook(base_url, "/_sim/captcha-answer"))["answer"]
    return answer


async def _log_in(page: Page, base_url: str) -> None:
    await page.goto(f"{base_url}/login")
    await page.get_by_label("用户名").fill(USER)
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_label("验证码").fill("----")  # she misreads it the first time
    await page.get_by_role("button", name="登录").click()
    await expect(page.get_by_role("alert")).to_have_text("验证码错误")
    await expect(page.get_by_label("用户名")).to_have_value(USER)
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_label("验证码").fill(await _read_captcha(page, base_url))
    await page.get_by_role("button", name="登录").click()
    await expect(page.locator("#current-user")).to_have_text(USER)


async def _next(work: FrameLocator, heading: str) -> None:
    await work.get_by_role("button", name="下一步").click()
    await expect(work.get_by_role("heading", name=heading)).to_be_visible()


async def test_a_person_logs_in_and_collects_through_the_wizard_in_the_frame(
    page: Page, base_url: str
) -> None:
    await _log_in(page, base_url)
    await page.get_by_role("link", name="退役军人信息采集").click()
    work = page.frame_locator("iframe[name=main]")

    await expect(work.get_by_role("heading", name="第1步：基本信息")).to_be_visible()
    await work.get_by_label("姓名", exact=True).fill("陈建国")
    await work.get_by_label("公民身份号码").fill("32020619680412027X")
    await work.get_by_label("性别").select_option(label="男")
    await work.get_by_label("出生日期").fill("1968-04-12")
    await work.get_by_label("民族").select_option(label="回族")
    await work.get_by_label("联系电话").fill("13812345678")
    await work.get_by_label("户籍地址").fill("江苏省无锡市惠山区堰桥街道锡澄路88号")
    await _next(work, "第2步：服役信息")
    await work.get_by_label("入伍时间").fill("1986-12-01")
    await work.get_by_label("退役时间").fill("1986-11-01")  # before enlisting: refused
    await work.get_by_label("服役部队").fill("南京军区某部")
    await work.get_by_label("退役类别").select_option(label="退伍（士兵）")
    await work.get_by_label("军衔/级别").fill("中士")
    await work.get_by_role("button", name="下一步").click()
    await expect(work.get_by_role("alert")).to_contain_text("退役时间应晚于入伍时间")
    await expect(work.get_by_label("服役部队")).to_have_value("南京军区某部")
    await work.get_by_label("退役时间").fill("1990-12-01")
    await _next(work, "第3步：安置与优待")
    await work.get_by_label("安置方式").select_option(label="自主就业")
    pension = work.get_by_role("radiogroup", name="是否享受抚恤补助")
    await pension.get_by_label("是", exact=True).check()
    await work.get_by_label("困难情况").fill("因病致困")
    await _next(work, "第4步：确认提交")
    await expect(work.get_by_role("table", name="安置与优待")).to_contain_text("因病致困")

    # Back to step 3 and on again: nothing typed is lost.
    await work.get_by_role("button", name="上一步").click()
    await expect(pension.get_by_label("是", exact=True)).to_be_checked()
    await expect(work.get_by_label("困难情况")).to_have_value("因病致困")
    await _next(work, "第4步：确认提交")
    await work.get_by_role("button", name="提交", exact=True).click()
    await expect(work.locator("#receipt-no")).to_have_text("TYJR20261125000001")

    await page.get_by_role("link", name="信息查询").click()
    await work.get_by_label("公民身份号码").fill("32020619680412027X")
    await work.get_by_role("button", name="查询").click()
    results = work.get_by_role("table", name="查询结果")
    await expect(results).to_contain_text("TYJR20261125000001")
    await expect(results).to_contain_text("已受理")
    [record] = await _hook(base_url, "/_sim/records")
    assert (record["ethnic_group"], record["receives_pension"]) == ("03", "1")
    assert (record["hardship"], record["submitted_by"]) == ("因病致困", USER)
