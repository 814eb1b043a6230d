"""Page objects for the log-in and 申请查询 screens: one class per screen, methods are user
intents."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from playwright.async_api import Page

from connectors.disability_allowance._errors import DECISION_STATUS, LOGIN_TEXT, REFUSED
from connectors.disability_allowance._mapping import SUBSIDY_SEPARATOR
from connectors.disability_allowance._screens import (
    beside,
    button,
    check_status,
    click_through,
    goto,
    judge,
    login_form,
)
from connectors.sdk import Decision
from hub.clock import beijing_today
from hub.errors import BusinessRejection, RobotBroken

RECEIPT = re.compile(r"CJBT[0-9]{14}")


class LoginPage:
    """用户登录: no <label>s; the boxes sit beside the cells 用户名： and 密　码：."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    async def open(self) -> None:
        check_status(await self.page.goto(f"{self.base_url}/login.do"), "login page")
        if not await login_form(self.page).count():
            raise RobotBroken("login page: no password box")

    async def login(self, username: str, password: str) -> None:
        """Log in on the open page; the error table says what a refusal means."""
        await beside(self.page, "用户名").locator("input").fill(username)
        await beside(self.page, "密码").locator("input[type=password]").fill(password)
        check_status(await click_through(self.page, button(self.page, "登录"), "login"), "login")
        if await login_form(self.page).count():
            message = " ".join(await self.page.locator("font[color=red]").all_inner_texts())
            for text, error in LOGIN_TEXT.items():
                if text in message:
                    raise error(f"login: {text}")
            raise RobotBroken("login: still on the log-in page, with no message the robot knows")
        if not await self.page.get_by_role("link", name="退出系统").count():
            raise RobotBroken("login: neither the menu nor the log-in page")

    async def log_out(self) -> None:
        await self.page.get_by_role("link", name="退出系统").click()
        await login_form(self.page).wait_for()


class SearchPage:
    """申请查询: every application filed under one 公民身份号码, oldest first."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    async def find_receipt(self, id_number: str, subsidies: str) -> str | None:
        """The receipt of an application for these subsidies that still stands, if any.

        A refused one (不予批准) does not count: the person may apply again. One that stands for
        some of them but not the same ones is the worker's to sort out: filing would apply twice
        for a subsidy, so it is refused with the system's receipt number.
        """
        wanted = set(subsidies.split(SUBSIDY_SEPARATOR))
        for row in await self.rows(id_number):
            if row["状态"] == REFUSED or not RECEIPT.fullmatch(row["受理编号"]):
                continue
            filed = set(row["补贴类型"].split(SUBSIDY_SEPARATOR))
            if filed == wanted:
                return row["受理编号"]
            if filed & wanted:
                raise BusinessRejection(
                    "an application for some of these subsidies stands",
                    user_message=f"该残疾人已有{row['补贴类型']}申请（受理编号{row['受理编号']}，"
                    f"状态{row['状态']}），请勿重复申请",
                )
        return None

    async def decision(self, id_number: str, receipt_no: str) -> Decision | None:
        """What the reviewers decided on this receipt; None while it is still 已受理."""
        row = next((r for r in await self.rows(id_number) if r["受理编号"] == receipt_no), None)
        if row is None:
            raise RobotBroken("filed receipt not found by search")
        status = row["状态"]
        if status not in DECISION_STATUS:
            return None
        decided_on = _page_date(row["审核日期"]) or beijing_today()
        if DECISION_STATUS[status] == "rejected":
            return Decision(
                result="rejected", decided_on=decided_on, reason=row["审核意见"] or None
            )
        amount, month = row["核定金额（元/月）"], row["发放起始年月"]
        return Decision(
            result="approved",
            decided_on=decided_on,
            amount=Decimal(amount) if amount else None,
            amount_per="月",
            starts_on=_page_date(f"{month}-01") if month else None,
        )

    async def rows(self, id_number: str) -> list[dict[str, str]]:
        """Search by 公民身份号码; each result row as column header -> cell text."""
        await goto(self.page, f"{self.base_url}/subsidy/query.do", "search")
        await self.page.get_by_label("公民身份号码", exact=True).fill(id_number)
        await judge(
            self.page, await click_through(self.page, button(self.page, "查询"), "search"), "search"
        )
        # An old data grid: no caption and no <th>, its first row is the header. Its id is all
        # there is to find it by.
        grid = self.page.locator("#dgResult")
        if not await grid.count():
            raise RobotBroken("search: no result grid")
        rows = [
            [cell.strip() for cell in await row.locator("td").all_inner_texts()]
            for row in await grid.locator("tr").all()
        ]
        headers = rows[0] if rows else []
        if not {"受理编号", "补贴类型", "状态", "审核日期"} <= set(headers):
            raise RobotBroken(f"search results have other columns: {headers}")
        # Not the header, not 未查询到记录.
        return [dict(zip(headers, r, strict=True)) for r in rows[1:] if len(r) == len(headers)]


def _page_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
