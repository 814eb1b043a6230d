"""Page objects for the civil-affairs system: one class per screen, methods are user intents."""

from __future__ import annotations

from playwright.async_api import Page
from playwright.async_api import TimeoutError as PlaywrightTimeout

from connectors.civil_affairs._errors import PAGE_TEXT
from connectors.civil_affairs._mapping import SELECTS
from hub.errors import BusinessRejection, RobotBroken

_BUSINESS_TYPE = "高龄津贴"


class LoginPage:
    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    async def login(self, username: str, password: str) -> None:
        await self.page.goto(f"{self.base_url}/login")
        await self.page.get_by_label("用户名").fill(username)
        await self.page.get_by_label("密码").fill(password)
        await self.page.get_by_role("button", name="登录").click()
        await self.page.wait_for_load_state()
        for text, error in PAGE_TEXT.items():
            if await self.page.get_by_text(text).count():
                raise error(f"login: {text}")


class SearchPage:
    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    async def find_receipt(self, id_number: str) -> str | None:
        """The receipt of an existing 高龄津贴 record for this person, if the system has one."""
        await self.page.goto(f"{self.base_url}/elderly/search")
        await self.page.get_by_label("公民身份号码").fill(id_number)
        await self.page.get_by_role("button", name="查询").click()
        table = self.page.get_by_role("table", name="查询结果")
        try:
            await table.wait_for()
        except PlaywrightTimeout:
            raise RobotBroken("search results table missing") from None
        for row in await table.get_by_role("row").all():
            cells = [c.strip() for c in await row.get_by_role("cell").all_inner_texts()]
            if len(cells) >= 3 and cells[2] == _BUSINESS_TYPE and cells[0].startswith("MZ"):
                return cells[0]
        return None


class ApplicationPage:
    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    async def open(self) -> None:
        await self.page.goto(f"{self.base_url}/elderly/new")

    async def fill(self, values: dict[str, str]) -> None:
        for label, value in values.items():
            field = self.page.get_by_label(label, exact=True)
            if label in SELECTS:
                await field.select_option(value)
            else:
                await field.fill(value)

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
