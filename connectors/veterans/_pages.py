"""Page objects for the work area: everything after log-in happens inside <iframe name="main">,
opened from the menu beside it. One class per screen; methods are user intents."""

from __future__ import annotations

from datetime import date

from playwright.async_api import FrameLocator, Page

from connectors.sdk import Decision
from connectors.veterans._errors import DECISION_STATUS
from connectors.veterans._mapping import CONFIRM_HEADING, RADIOS, SELECTS, WIZARD_STEPS
from connectors.veterans._outcome import EXPECTED, settle
from hub.clock import beijing_today
from hub.errors import BusinessRejection, RobotBroken

BUSINESS_TYPE = "退役军人信息采集"
RECEIPT_PREFIX = "TYJR"


class WorkArea:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.frame: FrameLocator = page.frame_locator("iframe[name=main]")

    async def open(self, menu: str, heading: str) -> None:
        """Click a menu entry and wait for its page in the work area."""
        await self.page.get_by_role("link", name=menu).click()
        expected = self.frame.get_by_role("heading", name=heading, exact=True)
        if await settle(expected, self.frame, menu) != EXPECTED:
            raise RobotBroken(f"{menu}: an unexpected message instead of the page")


class SearchPage(WorkArea):
    async def find_receipt(self, id_number: str) -> str | None:
        """The 采集编号 of an existing record for this person, if the system has one."""
        for row in await self.rows(id_number):
            number = row.get("采集编号", "")
            if row.get("业务类型") == BUSINESS_TYPE and number.startswith(RECEIPT_PREFIX):
                return number
        return None

    async def decision(self, id_number: str, receipt_no: str) -> Decision | None:
        """What the reviewers decided on this record; None while it is still 已受理."""
        row = next((r for r in await self.rows(id_number) if r.get("采集编号") == receipt_no), None)
        if row is None:
            raise RobotBroken("filed record not found by 信息查询")
        result = DECISION_STATUS.get(row.get("状态", ""))
        if result is None:
            return None
        decided_on = _page_date(row.get("审核日期", "")) or beijing_today()
        reason = row.get("审核意见") or None
        if result == "rejected":
            return Decision(result="rejected", decided_on=decided_on, reason=reason)
        # Information collection pays nothing: an approval without amount or start date.
        return Decision(result="approved", decided_on=decided_on, reason=reason)

    async def rows(self, id_number: str) -> list[dict[str, str]]:
        """信息查询 by 公民身份号码; each result row as column header -> cell text."""
        await self.open("信息查询", "信息查询")
        await self.frame.get_by_label("公民身份号码").fill(id_number)
        await self.frame.get_by_role("button", name="查询").click()
        table = self.frame.get_by_role("table", name="查询结果")
        if await settle(table, self.frame, "信息查询") != EXPECTED:
            raise RobotBroken("信息查询: a message instead of the results")
        headers = [h.strip() for h in await table.get_by_role("columnheader").all_inner_texts()]
        rows = []
        for row in await table.get_by_role("row").all():
            cells = [c.strip() for c in await row.get_by_role("cell").all_inner_texts()]
            if len(cells) == len(headers):  # not the header row, not 未查询到记录
                rows.append(dict(zip(headers, cells, strict=True)))
        return rows


class WizardPage(WorkArea):
    async def start(self) -> None:
        await self.open("退役军人信息采集", WIZARD_STEPS[0][0])

    async def fill_step(self, number: int, values: dict[str, str]) -> None:
        """Fill step `number` (1-3) and leave it with 下一步; raise with the system's reasons."""
        _, labels = WIZARD_STEPS[number - 1]
        for label in labels:
            await self._fill(label, values[label])
        await self.frame.get_by_role("button", name="下一步").click()
        following = WIZARD_STEPS[number][0] if number < len(WIZARD_STEPS) else CONFIRM_HEADING
        await self._expect(following, f"wizard step {number}")

    async def submit(self) -> str:
        """提交 on the confirmation step; the 采集编号, or raise with the system's reasons."""
        await self.frame.get_by_role("button", name="提交", exact=True).click()
        receipt = self.frame.locator("#receipt-no")
        outcome = await settle(receipt, self.frame, "submit")
        if outcome != EXPECTED:
            raise BusinessRejection("target refused the record", user_message=outcome)
        return (await receipt.inner_text()).strip()

    async def _fill(self, label: str, value: str) -> None:
        if label in RADIOS:
            group = self.frame.get_by_role("radiogroup", name=label)
            await group.get_by_label(value, exact=True).check()
        elif label in SELECTS:
            await self.frame.get_by_label(label, exact=True).select_option(value)
        else:
            await self.frame.get_by_label(label, exact=True).fill(value)

    async def _expect(self, heading: str, what: str) -> None:
        expected = self.frame.get_by_role("heading", name=heading, exact=True)
        outcome = await settle(expected, self.frame, what)
        if outcome != EXPECTED:
            raise BusinessRejection("target refused a wizard step", user_message=outcome)


def _page_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
