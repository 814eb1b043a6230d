"""The log-in page: user name, password, and (on the real system, always) an image CAPTCHA."""

from __future__ import annotations

from playwright.async_api import Page

from connectors.veterans._errors import CAPTCHA_WRONG
from connectors.veterans._outcome import EXPECTED, settle
from hub.errors import RobotBroken


class LoginPage:
    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    async def open(self) -> None:
        await self.page.goto(f"{self.base_url}/login")
        # A 503 page (系统繁忙, 系统维护) raises TargetUnavailable here.
        await settle(self.page.get_by_role("button", name="登录"), self.page, "login page")

    async def captcha_image(self) -> bytes | None:
        """The CAPTCHA as the worker would see it (a PNG of the image); None when there is none."""
        image = self.page.get_by_role("img", name="验证码")
        if not await image.count():
            return None
        # After 验证码错误 the robot goes on as soon as the message shows, which can be before the
        # new page's image has arrived: wait for the page's load event, images included.
        await self.page.wait_for_load_state("load")
        if not await image.evaluate("img => img.complete && img.naturalWidth > 0"):
            raise RobotBroken("login: the CAPTCHA image did not load")
        return await image.screenshot()

    async def log_in(self, username: str, password: str, captcha: str | None) -> bool:
        """True once logged in; False when the system says 验证码错误 (and shows a new image).

        Whatever else it says is the error table's to raise (a refused account, a busy system).
        """
        await self.page.get_by_label("用户名").fill(username)
        await self.page.get_by_label("密码").fill(password)
        if captcha is not None:
            await self.page.get_by_label("验证码").fill(captcha)
        await self.page.get_by_role("button", name="登录").click()
        outcome = await settle(self.page.locator("#current-user"), self.page, "login")
        if outcome == EXPECTED:
            return True
        if CAPTCHA_WRONG in outcome:
            return False
        raise RobotBroken("login: an unknown message after logging in")

    async def log_out(self) -> None:
        await self.page.get_by_role("link", name="退出").click()
        await self.page.get_by_role("button", name="登录").wait_for()
