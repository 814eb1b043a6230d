"""Page objects for 两项补贴申请录入 and the page that confirms it with a 受理编号."""

from __future__ import annotations

import re

from playwright.async_api import Locator, Page

from connectors.disability_allowance._errors import REFUSAL_HEADING
from connectors.disability_allowance._mapping import (
    SELECTS,
    SUBSIDY_SEPARATOR,
    TEXT_BOXES,
    region_chain,
)
from connectors.disability_allowance._pages import RECEIPT
from connectors.disability_allowance._screens import beside, button, click_through, goto, judge
from connectors.sdk._legacy import select_cascade, set_readonly_date
from hub.errors import BusinessRejection, RobotBroken

#: The one question the robot answers yes to (accept_dialogs); any other confirm is declined.
CONFIRM_FILING = "确定要提交该申请吗？"
_NUMBERING = re.compile(r"^[0-9]+、")
#: Rows of the confirmation page that show the resident's personal data.
_PERSONAL_ROWS = ("姓名", "公民身份号码", "残疾证号")


class ApplicationPage:
    """两项补贴申请录入: labelled boxes and selects, 补贴类型 checkboxes, three region selects
    without labels, and a read-only 申请日期 that only a calendar fills."""

    def __init__(self, page: Page, base_url: str, unexpected_dialogs: list[str]) -> None:
        self.page = page
        self.base_url = base_url
        self.unexpected_dialogs = unexpected_dialogs

    async def open(self) -> None:
        await goto(self.page, f"{self.base_url}/subsidy/apply.do", "entry form")

    async def fill(self, values: dict[str, str]) -> None:
        for label in TEXT_BOXES:
            # Characters outside GBK (𠮷) are typed as they are: Chromium posts them from this
            # GBK form as &#134071;, which the system keeps. The look-up is by ID number, so the
            # robot finds the record again whatever the name became.
            await self.page.get_by_label(label, exact=True).fill(values[label])
        for label in SELECTS:
            await self.page.get_by_label(label, exact=True).select_option(value=values[label])
        for subsidy in values["补贴类型"].split(SUBSIDY_SEPARATOR):
            await self.page.get_by_label(subsidy, exact=True).check()
        selects = beside(self.page, "所在地区").locator("select")
        steps = zip(
            (selects.nth(0), selects.nth(1), selects.nth(2)),
            region_chain(values["所在地区"]),
            strict=True,
        )
        await select_cascade(list(steps))
        await set_readonly_date(self.page.get_by_label("申请日期", exact=True), values["申请日期"])

    async def submit(self) -> ConfirmationPage:
        """Submit (saying yes to its confirm) and land on the receipt, or raise with the reason.

        SessionExpired when the system sent the post to its log-in page: nothing was filed.
        """
        save = button(self.page, "提交")
        response = await click_through(self.page, save, "submit", self.unexpected_dialogs)
        await judge(self.page, response, "submit")
        refusal = self.page.locator("font").filter(has_text=REFUSAL_HEADING)
        if await refusal.count():
            # 200 with the form again: the system refused the content and lists its reasons.
            lines = (await refusal.first.inner_text()).splitlines()[1:]
            reasons = [_NUMBERING.sub("", line.strip()) for line in lines if line.strip()]
            raise BusinessRejection(
                "target rejected the application", user_message="；".join(reasons)
            )
        return ConfirmationPage(self.page)


class ConfirmationPage:
    """保存成功: the 受理编号, and the resident's name and numbers beside it."""

    def __init__(self, page: Page) -> None:
        self.page = page

    async def receipt_no(self) -> str:
        cell = beside(self.page, "受理编号")
        if not await cell.count():
            raise RobotBroken("after submit: neither a receipt nor a list of reasons")
        text = (await cell.first.inner_text()).strip()
        if not RECEIPT.fullmatch(text):
            raise RobotBroken("the receipt number has an unexpected shape")
        return text

    def personal_cells(self) -> list[Locator]:
        return [beside(self.page, label) for label in _PERSONAL_ROWS]

    async def evidence(self) -> bytes:
        """The whole page as PNG, with the resident's name and numbers painted over."""
        return await self.page.screenshot(full_page=True, mask=self.personal_cells())
