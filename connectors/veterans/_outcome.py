"""After a click: wait for the page the robot expects, an alert box, or the system's 503 notice,
whichever comes first, and say which (web-first waits, no sleeps)."""

from __future__ import annotations

from playwright.async_api import FrameLocator, Locator, Page
from playwright.async_api import TimeoutError as PlaywrightTimeout

from connectors.veterans._errors import UNAVAILABLE, raise_for_page_text
from hub.errors import RobotBroken, TargetUnavailable

TIMEOUT_MS = 30_000


EXPECTED = "expected"


async def settle(expected: Locator, scope: Page | FrameLocator, what: str) -> str:
    """EXPECTED when the expected element showed up, else the alert's text.

    A 503 notice (系统繁忙, 系统维护) raises TargetUnavailable, an alert the error table knows
    raises its error, and neither page nor alert within the timeout raises RobotBroken.
    """
    alert = scope.get_by_role("alert")
    notice = scope.get_by_text(UNAVAILABLE)
    try:
        await expected.or_(alert).or_(notice).first.wait_for(timeout=TIMEOUT_MS)
    except PlaywrightTimeout:
        raise RobotBroken(f"{what}: neither the expected page nor a message") from None
    if await alert.count():
        text = await alert_text(alert.first)
        raise_for_page_text(text, what)
        return text
    if await notice.count():
        raise TargetUnavailable(f"{what}: {await notice.first.inner_text()}")
    return EXPECTED


async def alert_text(alert: Locator) -> str:
    """The alert's reasons joined (its list items), or its whole text when it has no list."""
    items = [item.strip() for item in await alert.get_by_role("listitem").all_inner_texts()]
    return "；".join(item for item in items if item) or (await alert.inner_text()).strip()
