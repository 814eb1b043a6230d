"""Page objects for the 社会救助 system: one class per screen, methods are user intents.

There is no log-in screen: the browser context sends the worker's bearer token with every
request, and the system answers each page as her, or with 401.
"""

from __future__ import annotations

import re

from playwright.async_api import Dialog, Locator, Page, Response
from playwright.async_api import TimeoutError as PlaywrightTimeout

from connectors.social_assistance._errors import PAGE_TEXT, REFUSED, error_for_status
from connectors.social_assistance._mapping import SELECTS
from hub.errors import BusinessRejection, RobotBroken

_BUSINESS_TYPE = "最低生活保障"
_RECEIPT = re.compile(r"SHJZ[0-9]+")
_WAIT_MS = 30_000
#: The one question the robot answers yes to; any other confirm() is declined (see _answer).
_CONFIRM_FILING = "确认提交该低保申请？"


class SearchPage:
    """申请查询: every 低保 application filed under one 公民身份号码."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    async def find_receipt(self, id_number: str) -> str | None:
        """The receipt of an application that still stands (under review or approved).

        A refused one (不予批准) does not count: the person may apply again.
        """
        for row in await self.rows(id_number):
            if (
                row["业务类型"] == _BUSINESS_TYPE
                and _RECEIPT.fullmatch(row["受理编号"])
                and row["状态"] != REFUSED
            ):
                return row["受理编号"]
        return None

    async def rows(self, id_number: str) -> list[dict[str, str]]:
        """Search by 公民身份号码; each result row as column header -> cell text."""
        await _goto(self.page, f"{self.base_url}/dibao/search", "search")
        await self.page.get_by_label("公民身份号码", exact=True).fill(id_number)
        search = self.page.get_by_role("button", name="查询")
        await _click_through(self.page, search, "search results")
        table = self.page.get_by_role("table", name="查询结果")
        try:
            await table.wait_for(timeout=_WAIT_MS)
        except PlaywrightTimeout:
            raise RobotBroken("search results table missing") from None
        headers = [h.strip() for h in await table.get_by_role("columnheader").all_inner_texts()]
        if not {"受理编号", "业务类型", "状态"} <= set(headers):
            raise RobotBroken(f"search results have other columns: {headers}")
        rows = []
        for row in await table.get_by_role("row").all():
            cells = [c.strip() for c in await row.get_by_role("cell").all_inner_texts()]
            if len(cells) == len(headers):  # not the header row, not 未查询到记录
                rows.append(dict(zip(headers, cells, strict=True)))
        return rows


class ApplicationPage:
    """低保申请录入: the entry form, which asks confirm() before it posts."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        page.on("dialog", _answer)

    async def open(self) -> None:
        await _goto(self.page, f"{self.base_url}/dibao/new", "entry form")

    async def fill(self, values: dict[str, str]) -> None:
        for label, value in values.items():
            field = self.page.get_by_label(label, exact=True)
            if label in SELECTS:
                await field.select_option(value)
            else:
                await field.fill(value)

    async def submit(self) -> ConfirmationPage:
        """Submit (saying yes to 确认提交) and land on the receipt, or raise with the reason."""
        button = self.page.get_by_role("button", name="提交申请")
        await _click_through(self.page, button, "submit")
        confirmation = ConfirmationPage(self.page)
        problems = self.page.get_by_role("alert")
        try:
            await confirmation.receipt.or_(problems).first.wait_for(timeout=_WAIT_MS)
        except PlaywrightTimeout:
            raise RobotBroken("neither receipt nor error after submit") from None
        if await problems.count():
            # 200 with the form again: the system refused the content and lists its reasons.
            items = await problems.first.get_by_role("listitem").all_inner_texts()
            reasons = [item.strip() for item in items if item.strip()]
            reason = "；".join(reasons) or (await problems.first.inner_text()).strip()
            raise BusinessRejection("target rejected the application", user_message=reason)
        return confirmation


class ConfirmationPage:
    """提交成功: the receipt number, and the resident's name beside it."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.receipt = page.locator("#receipt-no")  # the number has no label or role of its own

    async def receipt_no(self) -> str:
        text = (await self.receipt.inner_text()).strip()
        if not _RECEIPT.fullmatch(text):
            raise RobotBroken("the receipt number has an unexpected shape")
        return text

    async def evidence(self) -> bytes:
        """The whole page as PNG, with the resident's line (申请人：<name>) painted over."""
        resident = self.page.get_by_text("申请人：")
        return await self.page.screenshot(full_page=True, mask=[resident])


async def _goto(page: Page, url: str, what: str) -> None:
    await _judge(page, await page.goto(url), what)


async def _click_through(page: Page, button: Locator, what: str) -> None:
    """Click something that loads a new page (a form's submit button), then judge that page."""
    try:
        async with page.expect_navigation(timeout=_WAIT_MS) as arrival:
            await button.click()
    except PlaywrightTimeout:
        # Also what a declined confirm() looks like: the form stays and nothing is posted.
        raise RobotBroken(f"{what}: no new page after clicking") from None
    await _judge(page, await arrival.value, what)


async def _judge(page: Page, response: Response | None, what: str) -> None:
    """Where a navigation landed: its HTTP status first, then what its alert box says."""
    if response is None:
        raise RobotBroken(f"{what}: no page came back")
    error = error_for_status(response.status)
    if error is not None:
        raise error(f"{what}: HTTP {response.status}")
    for alert in await page.get_by_role("alert").all_inner_texts():
        for text, page_error in PAGE_TEXT.items():
            if text in alert:
                raise page_error(f"{what}: {text}")


async def _answer(dialog: Dialog) -> None:
    """The system's dialogs. Playwright declines them all unless told otherwise, and the entry
    form posts only if its confirm() is accepted. The robot says yes to that one question
    alone: a confirm it does not know may ask something else (file a duplicate?), so it is
    declined and the robot, left without a receipt, stops for IT. Alerts (提交成功，受理编号…)
    only inform."""
    if dialog.type == "alert" or (dialog.type == "confirm" and dialog.message == _CONFIRM_FILING):
        await dialog.accept()
    else:
        await dialog.dismiss()
