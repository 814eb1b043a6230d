"""Page objects for the civil-affairs system: one class per screen, methods are user intents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from playwright.async_api import Page
from playwright.async_api import TimeoutError as PlaywrightTimeout

from connectors.civil_affairs._errors import DECISION_STATUS, PAGE_TEXT
from connectors.sdk import Decision, fill_by_labels, read_table
from hub.clock import beijing_today
from hub.errors import BusinessRejection, RobotBroken

_BUSINESS_TYPE = "高龄津贴"


class LoginPage:
    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    async def open(self) -> None:
        await self.page.goto(f"{self.base_url}/login")

    async def login(self, username: str, password: str) -> None:
        """Log in on the open page; the error table says what a refusal means."""
        await self.page.get_by_label("用户名").fill(username)
        await self.page.get_by_label("密码").fill(password)
        await self.page.get_by_role("button", name="登录").click()
        logged_in = self.page.get_by_role("link", name="退出")
        try:
            await logged_in.or_(self.page.get_by_role("alert")).first.wait_for(timeout=30_000)
        except PlaywrightTimeout:
            raise RobotBroken("login: neither the menu nor an error after logging in") from None
        for text, error in PAGE_TEXT.items():
            if await self.page.get_by_text(text).count():
                raise error(f"login: {text}")
        if not await logged_in.count():
            raise RobotBroken("login: an unknown message after logging in")

    async def log_out(self) -> None:
        await self.page.get_by_role("link", name="退出").click()
        await self.page.get_by_role("button", name="登录").wait_for()


class SearchPage:
    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    async def find_receipt(self, id_number: str) -> str | None:
        """The receipt of an existing 高龄津贴 record for this person, if the system has one."""
        for row in await self.rows(id_number):
            if row.get("业务类型") == _BUSINESS_TYPE and row.get("受理编号", "").startswith("MZ"):
                return row["受理编号"]
        return None

    async def decision(self, id_number: str, receipt_no: str) -> Decision | None:
        """What the reviewers decided on this receipt; None while it is still 已受理."""
        row = next((r for r in await self.rows(id_number) if r.get("受理编号") == receipt_no), None)
        if row is None:
            raise RobotBroken("filed receipt not found by search")
        status = row.get("状态", "")
        if status not in DECISION_STATUS:
            return None
        decided_on = _page_date(row.get("审核日期", "")) or beijing_today()
        if DECISION_STATUS[status] == "rejected":
            reason = row.get("审核意见") or None
            return Decision(result="rejected", decided_on=decided_on, reason=reason)
        amount, month = row.get("核定金额（元/月）", ""), row.get("发放起始年月", "")
        return Decision(
            result="approved",
            decided_on=decided_on,
            amount=Decimal(amount) if amount else None,
            amount_per="月",
            starts_on=_page_date(f"{month}-01") if month else None,
        )

    async def open(self, id_number: str | None = None) -> bool:
        """Open the search page (searching this person, if given); False when the system sent
        the robot to log in instead."""
        await self.page.goto(self._url(id_number))
        return not self.page.url.split("?")[0].endswith("/login")

    def _url(self, id_number: str | None) -> str:
        query = f"?{urlencode({'id_number': id_number})}" if id_number else ""
        return f"{self.base_url}/elderly/search{query}"

    async def rows(self, id_number: str) -> list[dict[str, str]]:
        """Search by 公民身份号码; each result row as column header -> cell text."""
        # The search form is a GET: going straight to its result page is what 查询 does (and
        # open() may have just done it).
        if self.page.url != self._url(id_number):
            await self.page.goto(self._url(id_number))
        table = self.page.get_by_role("table", name="查询结果")
        try:
            await table.wait_for()
        except PlaywrightTimeout:
            raise RobotBroken("search results table missing") from None
        return await read_table(table)


class ApplicationPage:
    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    async def open(self) -> None:
        await self.page.goto(f"{self.base_url}/elderly/new")

    async def fill(self, values: dict[str, str]) -> None:
        await fill_by_labels(self.page, values)

    async def submit(self) -> str:
        """Submit and return the receipt number, or raise with the system's own reason."""
        await self.page.get_by_role("button", name="提交申请").click()
        receipt = self.page.locator("#receipt-no")
        alert = self.page.get_by_role("alert")
        try:
            await receipt.or_(alert).first.wait_for(timeout=30_000)
        except PlaywrightTimeout:
            raise RobotBroken("neither receipt nor error after submit") from None
        if await alert.count():
            reason = (await alert.first.inner_text()).strip()
            for text, error in PAGE_TEXT.items():
                if text in reason:
                    raise error(f"submit: {text}")
            raise BusinessRejection("target rejected the application", user_message=reason)
        return (await receipt.inner_text()).strip()


def _page_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
