"""数据下发, end to end on phone-sized screens: IT publishes a small collection table (residents
aged 95 or over); the street sends it to both its communities; each community's worker completes
only what the store did not know and reports; the street sees both reported and downloads one
merged workbook. Then a questionnaire: a resident answers through her community's link, no
account."""

from __future__ import annotations

import asyncio
import io
import re

import pytest
from openpyxl import load_workbook
from playwright.async_api import Browser, Page, expect

from hub.devstack import Stack
from tests.e2e._stack import portal_login

pytestmark = pytest.mark.e2e

VISIT = """\
id = "visit-95"
version = 1
title = "高龄老人探访核对"
kind = "collection"
rows = { source = "residents", filters = [{ field = "age", op = ">=", value = 95 }] }

[[sections]]
title = "老人"

[[sections.fields]]
name = "name"
label = "姓名"
locked = true
bind = "resident.name"

[[sections.fields]]
name = "id_number"
label = "公民身份号码"
type = "idcard"
locked = true
masked = true
bind = "resident.id_number"

[[sections.fields]]
name = "visited_on"
label = "探访日期"
type = "date"
bind = "today"
max = "today"

[[sections.fields]]
name = "health"
label = "健康状况"
type = "select"
options = [["good", "良好"], ["fair", "一般"], ["poor", "较差"]]
message = "请选择健康状况"
"""


async def _complete_and_report(page: Page, title: str) -> int:
    """Open the task, fill each row's health (the one thing the store cannot know), report."""
    await page.get_by_role("link", name="数据收集").click()
    await page.locator("#received").get_by_role("link", name=re.compile(title)).click()
    rows = await page.locator("#rows a").count()
    assert rows >= 1
    await page.locator("#rows a").first.click()
    for _ in range(rows):
        # The page refuses a row with the health missing before anything is posted.
        await page.get_by_role("button", name="保存").click()
        await expect(page.get_by_text("请选择健康状况")).to_be_visible()
        await page.get_by_label("健康状况").select_option("fair")
        before = page.url
        await page.get_by_role("button", name="保存").click()
        await page.wait_for_url(lambda url, left=before: url != left)  # the next row, or the list
    await expect(page.get_by_role("status")).to_have_text("全部行已填写完整，可以上报。")
    await page.get_by_role("button", name="上报").click()
    await expect(page.get_by_role("status")).to_have_text("已上报，感谢配合。")
    return rows


async def test_the_street_sends_a_table_both_communities_complete_it_and_it_comes_back_merged(
    stack: Stack, browser: Browser
):
    context, page = await portal_login(browser, stack, "it-admin", lands_on="/")
    try:
        await page.get_by_role("link", name="表单管理").click()
        await page.get_by_label("表单模板（TOML）").fill(VISIT)
        await page.get_by_role("button", name="发布").click()
        await expect(page.get_by_role("status")).to_have_text("已发布：visit-95 第 1 版")
    finally:
        await context.close()

    street, page = await portal_login(browser, stack, "street-viewer", lands_on="/")
    await page.get_by_role("link", name="数据下发").first.click()
    await page.get_by_role("link", name="下发新的收集表或问卷").click()
    await page.get_by_label("收集表或问卷").select_option("visit-95")
    await expect(page.get_by_label("玉祁社区")).to_be_checked()  # the whole street by default
    await expect(page.get_by_label("瑞星社区")).to_be_checked()
    await page.get_by_role("button", name="下发").click()
    await page.wait_for_url(re.compile(r"/requests/[0-9a-f]{32}$"))
    request_url = page.url
    await expect(page.locator("#progress .status")).to_have_text(["未开始", "未开始"])

    done = {}
    for worker in ("worker-a", "worker-b"):
        context, worker_page = await portal_login(browser, stack, worker)
        try:
            done[worker] = await _complete_and_report(worker_page, "高龄老人探访核对")
        finally:
            await context.close()

    try:
        await page.goto(request_url)
        await expect(page.locator("#progress .status")).to_have_text(["已上报", "已上报"])
        async with page.expect_download() as waiting:
            await page.locator("#export").click()
        download = await waiting.value
        assert download.suggested_filename.endswith(".xlsx")
        saved = await download.path()  # a temporary file without the extension openpyxl wants
        sheet = load_workbook(io.BytesIO(await asyncio.to_thread(saved.read_bytes))).active
    finally:
        await street.close()
    assert sheet is not None
    lines = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3, max_col=6)]
    assert [line[0] for line in lines] == ["玉祁社区"] * done["worker-a"] + ["瑞星社区"] * done[
        "worker-b"
    ]
    assert {(line[1], line[5]) for line in lines} == {("已上报", "一般")}
    assert all(re.fullmatch(r"[0-9]{17}[0-9X]", str(line[3])) for line in lines)


async def test_a_resident_answers_the_questionnaire_from_her_communitys_link(
    stack: Stack, browser: Browser
):
    street, page = await portal_login(browser, stack, "street-viewer", lands_on="/")
    try:
        await page.goto(stack.settings.hub.url + "/requests/new")
        await page.get_by_label("收集表或问卷").select_option("survey-home-care")
        await page.get_by_label("玉祁社区").uncheck()
        await page.get_by_role("button", name="下发").click()
        await page.wait_for_url(re.compile(r"/requests/[0-9a-f]{32}$"))
        link = await page.get_by_label("瑞星社区的填写链接").input_value()
    finally:
        await street.close()

    resident = await browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    try:
        phone = await resident.new_page()
        await phone.goto(link)  # no login: straight to the questionnaire
        await expect(phone.get_by_role("heading", name="居家养老服务需求调查")).to_be_visible()
        await phone.get_by_label("您的年龄").select_option("80+")
        await phone.get_by_label("您的居住情况").select_option("alone")
        await phone.get_by_label("您最需要的居家养老服务").select_option("meals")
        await phone.get_by_label("联系电话").fill("1391234")
        await phone.get_by_role("button", name="提交").click()
        await expect(phone.get_by_text("请选择满意程度")).to_be_visible()
        await expect(phone.get_by_text("手机号码应为以1开头的11位数字")).to_be_visible()
        await phone.get_by_label("您对现有社区养老服务的满意程度").select_option("5")
        await phone.get_by_label("联系电话").fill("13912345678")
        await phone.get_by_role("button", name="提交").click()
        await expect(phone.locator("#thanks")).to_have_text("提交成功，感谢您的参与！")
    finally:
        await resident.close()

    context, page = await portal_login(browser, stack, "worker-b")
    try:
        await page.get_by_role("link", name="数据收集").click()
        await expect(page.locator("#received")).to_contain_text("已收到 1 份")
    finally:
        await context.close()
