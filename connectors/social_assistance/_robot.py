"""The robot: act as the worker who submitted, through the bearer token the hub obtained for this
system with her single sign-on (manifest auth="sso"); look the person up, file only if nothing
stands in the system, read the receipt."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, Route

from connectors.sdk import Application, BrowserPool, DeliveryContext, Receipt
from connectors.social_assistance._manifest import MANIFEST
from connectors.social_assistance._mapping import to_target
from connectors.social_assistance._pages import ApplicationPage, SearchPage
from hub.errors import ConfigurationError

_DEFAULT_PORTS = {"http": 80, "https": 443}


class SocialAssistanceConnector:
    manifest = MANIFEST

    def map(self, application: Application) -> dict[str, str]:
        return application.fields(to_target)

    async def deliver(self, ctx: DeliveryContext, application: Application) -> Receipt:
        if ctx.previous.get("receipt_no"):
            # An earlier attempt submitted and heartbeated the receipt before it died.
            return Receipt(receipt_no=str(ctx.previous["receipt_no"]), existing=True)
        browsers, base_url = _browsers(ctx), _base_url(ctx)
        values = self.map(application)
        # Her token is read only now, once nothing cheap is left to fail, and lives only in the
        # browser context's headers: never logged, heartbeated or returned. It raises
        # SsoLoginRequired when the hub no longer has a valid one; that goes to the hub as is.
        token = await ctx.sso_token()
        headers = {"Authorization": f"Bearer {token}"}
        async with browsers.context(extra_http_headers=headers) as context:
            await keep_to_target(context, base_url)
            page = await context.new_page()
            existing = await SearchPage(page, base_url).find_receipt(application.id_number)
            if existing:
                return Receipt(receipt_no=existing, existing=True)
            ctx.heartbeat({"step": "looked_up"})
            form = ApplicationPage(page, base_url)
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


async def keep_to_target(context: BrowserContext, base_url: str) -> None:
    """Refuse every request that leaves the target's origin.

    The context sends the Authorization header with every request, whatever the host: a page
    that pulled in another site's script or image would hand that site her token.
    """
    target = _origin(base_url)

    async def only_the_target(route: Route) -> None:
        if _origin(route.request.url) == target:
            await route.continue_()
        else:
            await route.abort("blockedbyclient")

    await context.route("**/*", only_the_target)


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, parts.hostname or "", parts.port or _DEFAULT_PORTS.get(parts.scheme)


def _base_url(ctx: DeliveryContext) -> str:
    base_url = ctx.config["base_url"].rstrip("/")
    if urlsplit(base_url).hostname not in MANIFEST.allowed_hosts:
        # Checked before her token is read: it must not go to a host the manifest does not name.
        raise ConfigurationError("social_assistance base_url is not one of its allowed hosts")
    return base_url


def _browsers(ctx: DeliveryContext) -> BrowserPool:
    if ctx.browsers is None:
        raise ConfigurationError("social_assistance is a robot connector and needs a browser")
    return ctx.browsers
