"""The robot: log in as the worker who submitted, look the person up, file only if the system has
no record, read the receipt. Her account comes from the hub's vault (manifest auth="vault"), read
only once the login form is open."""

from __future__ import annotations

from playwright.async_api import BrowserContext, Page

from connectors.civil_affairs._manifest import MANIFEST
from connectors.civil_affairs._mapping import to_target
from connectors.civil_affairs._pages import ApplicationPage, LoginPage, SearchPage
from connectors.sdk import Application, BrowserPool, Decision, DeliveryContext, Receipt
from hub.errors import ConfigurationError


class CivilAffairsConnector:
    manifest = MANIFEST

    def map(self, application: Application) -> dict[str, str]:
        return application.fields(to_target)

    async def deliver(self, ctx: DeliveryContext, application: Application) -> Receipt:
        if ctx.previous.get("receipt_no"):
            # An earlier attempt submitted and heartbeated the receipt before it died.
            return Receipt(receipt_no=str(ctx.previous["receipt_no"]), existing=True)
        base_url = ctx.config["base_url"]
        async with _browsers(ctx).context(storage_state=await ctx.login_state()) as context:
            page = await context.new_page()
            search = SearchPage(page, base_url)
            await _logged_in(ctx, context, page, search, application.id_number)
            ctx.heartbeat({"step": "logged_in"})
            existing = await search.find_receipt(application.id_number)
            if existing:
                return Receipt(receipt_no=existing, existing=True)
            ctx.heartbeat({"step": "looked_up"})
            form = ApplicationPage(page, base_url)
            await form.open()
            await form.fill(self.map(application))
            receipt_no = await form.submit()
            # Heartbeat first: if the worker dies now, the retry returns this receipt.
            ctx.heartbeat({"step": "submitted", "receipt_no": receipt_no})
            # The evidence keeps the receipt and hides who it is for: the 申请人 line is masked.
            # Filed is filed: a page without that line gets no screenshot rather than an
            # unmasked one, and the delivery still succeeds.
            applicant = page.locator("p", has_text="申请人：")
            if await applicant.count() == 1:
                shot = await page.screenshot(full_page=True, mask=[applicant])
                ctx.evidence_ids.append(await ctx.save_evidence(shot, "image/png"))
            return Receipt(receipt_no=receipt_no)

    async def check_decision(
        self, ctx: DeliveryContext, application: Application, receipt_no: str
    ) -> Decision | None:
        base_url = ctx.config["base_url"]
        async with _browsers(ctx).context(storage_state=await ctx.login_state()) as context:
            page = await context.new_page()
            search = SearchPage(page, base_url)
            await _logged_in(ctx, context, page, search)
            ctx.heartbeat({"step": "logged_in"})
            return await search.decision(application.id_number, receipt_no)

    async def check_login(self, ctx: DeliveryContext) -> None:
        """The test login when a worker binds her account: log in, and log out again."""
        async with _browsers(ctx).context() as context:
            page = await context.new_page()
            await _log_in(ctx, page)
            await LoginPage(page, ctx.config["base_url"]).log_out()


async def _logged_in(
    ctx: DeliveryContext,
    context: BrowserContext,
    page: Page,
    search: SearchPage,
    id_number: str | None = None,
) -> None:
    """On the search page as her (already searching this person, if given): with the saved
    login if the system still takes it, else by logging in (and keeping the new login)."""
    if await search.open(id_number):
        return
    await _log_in(ctx, page)
    await ctx.keep_login_state(dict(await context.storage_state()))


async def _log_in(ctx: DeliveryContext, page: Page) -> None:
    login = LoginPage(page, ctx.config["base_url"])
    await login.open()
    # Her account is read from the vault only now, with the login form in front of the robot:
    # a target that is down costs no read (and no use on her record).
    account = await ctx.credentials()
    await login.login(account.login_name, account.password)


def _browsers(ctx: DeliveryContext) -> BrowserPool:
    if ctx.browsers is None:
        raise ConfigurationError("civil_affairs is a robot connector and needs a browser")
    return ctx.browsers
