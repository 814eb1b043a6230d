"""The robot: log in as the worker who submitted (she reads the CAPTCHA for it), look the person up,
and only if the system has no record walk the wizard and read the 采集编号. Her account comes
from the hub's vault (manifest auth="vault"), read only once the log-in form is open."""

from __future__ import annotations

from playwright.async_api import BrowserContext, Page

from connectors.sdk import (
    Application,
    BrowserPool,
    Decision,
    DeliveryContext,
    HumanQuestion,
    Receipt,
)
from connectors.veterans._errors import CAPTCHA_PROMPT, MAX_CAPTCHA_ATTEMPTS
from connectors.veterans._login import LoginPage
from connectors.veterans._manifest import MANIFEST
from connectors.veterans._mapping import WIZARD_STEPS, to_target
from connectors.veterans._pages import SearchPage, WizardPage
from hub.errors import ConfigurationError, HumanNeeded, RobotBroken


class VeteransConnector:
    manifest = MANIFEST

    def map(self, application: Application) -> dict[str, str]:
        return application.fields(to_target)

    async def deliver(self, ctx: DeliveryContext, application: Application) -> Receipt:
        if ctx.previous.get("receipt_no"):
            # An earlier attempt submitted and heartbeated the receipt before it died.
            return Receipt(receipt_no=str(ctx.previous["receipt_no"]), existing=True)
        values = self.map(application)  # what can fail cheaply fails before the browser opens
        saved = await ctx.login_state()
        async with _browsers(ctx).context(storage_state=saved) as context:
            page = await context.new_page()
            await _logged_in(ctx, context, page, saved is not None)
            ctx.heartbeat({"step": "logged_in"})
            existing = await SearchPage(page).find_receipt(application.id_number)
            if existing:
                return Receipt(receipt_no=existing, existing=True)
            ctx.heartbeat({"step": "looked_up"})
            wizard = WizardPage(page)
            await wizard.start()
            for number in range(1, len(WIZARD_STEPS) + 1):
                await wizard.fill_step(number, values)
                ctx.heartbeat({"step": "wizard", "page": number})
            receipt_no = await wizard.submit()
            # Heartbeat first: if the worker dies now, the retry returns this receipt.
            ctx.heartbeat({"step": "submitted", "receipt_no": receipt_no})
            masked = [wizard.frame.locator(".sensitive")]
            shot = await page.screenshot(full_page=True, mask=masked)
            ctx.evidence_ids.append(await ctx.save_evidence(shot, "image/png"))
            return Receipt(receipt_no=receipt_no)

    async def check_decision(
        self, ctx: DeliveryContext, application: Application, receipt_no: str
    ) -> Decision | None:
        saved = await ctx.login_state()
        async with _browsers(ctx).context(storage_state=saved) as context:
            page = await context.new_page()
            await _logged_in(ctx, context, page, saved is not None)
            ctx.heartbeat({"step": "logged_in"})
            return await SearchPage(page).decision(application.id_number, receipt_no)

    async def check_login(self, ctx: DeliveryContext) -> None:
        """The test login when a worker binds her account: log in, and log out again."""
        async with _browsers(ctx).context() as context:
            page = await context.new_page()
            await _log_in(ctx, page)
            await LoginPage(page, ctx.config["base_url"]).log_out()


async def _logged_in(
    ctx: DeliveryContext, context: BrowserContext, page: Page, has_saved_login: bool
) -> None:
    """In the system as her: with her saved login while the system still takes it (no CAPTCHA
    for her to read), else by logging in, and keeping that login for the next delivery."""
    if has_saved_login:
        await page.goto(f"{ctx.config['base_url']}/")
        if await page.locator("#current-user").count():
            return
    await _log_in(ctx, page)
    await ctx.keep_login_state(dict(await context.storage_state()))


async def _log_in(ctx: DeliveryContext, page: Page) -> None:
    login = LoginPage(page, ctx.config["base_url"])
    await login.open()
    # Her account is read from the vault only now, with the login form in front of the robot:
    # a target that is down costs no read (and no use on her record).
    account = await ctx.credentials()
    for _ in range(MAX_CAPTCHA_ATTEMPTS):
        image = await login.captcha_image()
        answer = None
        if image is not None:
            # Only a person can read it: the worker who submitted is asked, the page kept open.
            # Where nobody can be asked this raises HumanNeeded, before anything is filed.
            question = HumanQuestion(kind="captcha", prompt=CAPTCHA_PROMPT, image=image)
            answer = await ctx.ask_human(question)
        if await login.log_in(account.login_name, account.password, answer):
            return
        if image is None:
            raise RobotBroken("login: 验证码错误 from a form that showed no CAPTCHA")
    raise HumanNeeded(
        f"captcha refused {MAX_CAPTCHA_ATTEMPTS} times",
        user_message=f"全国退役军人信息管理系统验证码连续{MAX_CAPTCHA_ATTEMPTS}次错误，请重新报送",
    )


def _browsers(ctx: DeliveryContext) -> BrowserPool:
    if ctx.browsers is None:
        raise ConfigurationError("veterans is a robot connector and needs a browser")
    return ctx.browsers
