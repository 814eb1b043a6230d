"""What every screen of this system shares: how a navigation is judged, and how a field is found
where the page has no <label> for it (the log-in page, the region selects, the receipt).

The system lays its pages out in nested tables, a label cell beside a value cell: a field
without a label is in the cell right of the one that reads "<label>：".
"""

from __future__ import annotations

import re

from playwright.async_api import Locator, Page, Response
from playwright.async_api import TimeoutError as PlaywrightTimeout

from connectors.disability_allowance._errors import PAGE_TEXT, error_for_status
from connectors.sdk._legacy import SessionExpired
from hub.errors import RobotBroken

WAIT_MS = 30_000


def _spaced(text: str) -> str:
    # The system spreads short captions out with spaces, full-width ones too: 密　码, 登 录.
    return r"\s*".join(re.escape(character) for character in text)


def beside(page: Page, label: str) -> Locator:
    """The table cell right of the one reading label (with a leading * and a trailing ：)."""
    pattern = re.compile(rf"^\s*\*?\s*{_spaced(label)}\s*[:：]\s*$")
    return page.locator("td").filter(has_text=pattern).locator("xpath=following-sibling::td[1]")


def button(page: Page, caption: str) -> Locator:
    """A button by its caption, however the system spaces it out."""
    return page.get_by_role("button", name=re.compile(rf"^\s*{_spaced(caption)}\s*$"))


def login_form(page: Page) -> Locator:
    """What only the log-in page has: its password box."""
    return page.locator("input[type=password]")


async def goto(page: Page, url: str, what: str) -> None:
    """Open a page behind the log-in, and judge where the browser landed."""
    await judge(page, await page.goto(url), what)


async def click_through(
    page: Page, target: Locator, what: str, unexpected_dialogs: list[str] | None = None
) -> Response:
    """Click something that loads a new page (a form's submit button); the page's response."""
    try:
        async with page.expect_navigation(timeout=WAIT_MS) as arrival:
            await target.click()
    except PlaywrightTimeout:
        # Also what a declined confirm() looks like: the form stays and nothing is posted.
        dialogs = len(unexpected_dialogs or [])
        raise RobotBroken(
            f"{what}: no new page after clicking ({dialogs} unexpected dialogs)"
        ) from None
    response = await arrival.value
    if response is None:
        raise RobotBroken(f"{what}: no page came back")
    return response


def check_status(response: Response | None, what: str) -> None:
    """Raise what the HTTP status of a page means, if it is not a page to read."""
    if response is None:
        raise RobotBroken(f"{what}: no page came back")
    error = error_for_status(response.status)
    if error is not None:
        raise error(f"{what}: HTTP {response.status}")


async def judge(page: Page, response: Response | None, what: str) -> None:
    """Where a navigation landed: its HTTP status, then whether it is the log-in page.

    The system sends a timed-out session to its log-in page (会话已超时), a post included: the
    typed data is lost and nothing was filed, so the robot may log in again and redo.
    """
    check_status(response, what)
    if await login_form(page).count():
        raise SessionExpired(f"{what}: the log-in page instead")
    text = await page.locator("body").inner_text()
    for words, error in PAGE_TEXT.items():
        if words in text:  # some of its error pages come with 200
            raise error(f"{what}: {words}")
