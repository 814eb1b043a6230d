"""The robot: log in as the worker who submitted, look the person up, file only if no standing
application for the same subsidies is there, read the receipt. Her account comes from the hub's
vault (manifest auth="vault"), read only once the log-in page is open. The system ends idle
sessions after two minutes, also in the middle of a form: the robot then logs in again and
starts over from the look-up."""

from __future__ import annotations

from playwright.async_api import Page

from connectors.disability_allowance._entry import CONFIRM_FILING, ApplicationPage
from connectors.disability_allowance._manifest import MANIFEST
from connectors.disability_allowance._mapping import to_target
from connectors.disability_allowance._pages import LoginPage, SearchPage
from connectors.sdk import Application, BrowserPool, Credentials, Decision, DeliveryContext, Receipt
from connectors.sdk._legacy import accept_dialogs, relogin_on_expiry
from hub.errors import ConfigurationError


class DisabilityAllowanceConnector:
    manifest = MANIFEST

    def map(self, application: Application) -> dict[str, str]:
        return application.fields(to_target)

    async def deliver(self, ctx: DeliveryContext, application: Application) -> Receipt:
        if ctx.previous.get("receipt_no"):
            # An earlier attempt submitted and heartbeated the receipt before it died.
            return Receipt(receipt_no=str(ctx.previous["receipt_no"]), existing=True)
        values = self.map(application)  # what can fail cheaply fails before anything opens
        base_url = ctx.config["base_url"]
        async with _browsers(ctx).context() as context:
            page = await context.new_page()
            unexpected = accept_dialogs(page, {CONFIRM_FILING: True})
            log_in = _Login(ctx, page)
            await log_in()
            ctx.heartbeat({"step": "logged_in"})

            async def look_up_and_file() -> Receipt:
                # Redone from here after a re-login: the look-up shows whether the post that met
                # the timeout filed anything (it never does, but the robot checks, not trusts).
                search = SearchPage(page, base_url)
                existing = await search.find_receipt(application.id_number, values["补贴类型"])
                if existing:
                    return Receipt(receipt_no=existing, existing=True)
                ctx.heartbeat({"step": "looked_up"})
                form = ApplicationPage(page, base_url, unexpected)
                await form.open()
                await form.fill(values)
                ctx.heartbeat({"step": "filled"})
                confirmation = await form.submit()
                receipt_no = await confirmation.receipt_no()
                # Heartbeat first: if the worker dies now, the retry returns this receipt.
                ctx.heartbeat({"step": "submitted", "receipt_no": receipt_no})
                shot = await confirmation.evidence()
                ctx.evidence_ids.append(await ctx.save_evidence(shot, "image/png"))
                return Receipt(receipt_no=receipt_no)

            return await relogin_on_expiry(look_up_and_file, log_in)

    async def check_decision(
        self, ctx: DeliveryContext, application: Application, receipt_no: str
    ) -> Decision | None:
        async with _browsers(ctx).context() as context:
            page = await context.new_page()
            log_in = _Login(ctx, page)
            await log_in()
            ctx.heartbeat({"step": "logged_in"})
            search = SearchPage(page, ctx.config["base_url"])
            return await relogin_on_expiry(
                lambda: search.decision(application.id_number, receipt_no), log_in
            )

    async def check_login(self, ctx: DeliveryContext) -> None:
        """The test login when a worker binds her account: log in, and log out again."""
        async with _browsers(ctx).context() as context:
            page = await context.new_page()
            await _Login(ctx, page)()
            await LoginPage(page, ctx.config["base_url"]).log_out()


class _Login:
    """Logs the page in as the submitting worker, as often as the system asks during one
    delivery. Her account is read from the vault once, with the log-in page open (a target that
    is down costs no read), and kept only for this delivery, so that logging in again after a
    timeout does not read it, and record a use of it, a second time."""

    def __init__(self, ctx: DeliveryContext, page: Page) -> None:
        self._ctx = ctx
        self._page = page
        self._account: Credentials | None = None

    async def __call__(self) -> None:
        login = LoginPage(self._page, self._ctx.config["base_url"])
        await login.open()
        if self._account is None:
            self._account = await self._ctx.credentials()
        await login.login(self._account.login_name, self._account.password)


def _browsers(ctx: DeliveryContext) -> BrowserPool:
    if ctx.browsers is None:
        raise ConfigurationError("disability_allowance is a robot connector and needs a browser")
    return ctx.browsers
