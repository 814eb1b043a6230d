"""Helpers for robots on old web pages: cascading selects, read-only date boxes, confirm()
dialogs, and sessions that time out between one page and the next.

Systems built around 2008 share these habits. Each helper takes Playwright objects, waits the
web-first way (for an option to exist, for a dialog to come), never sleeps, and says in a
RobotBroken what it did not find, so that IT can read the failure without the page.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date
from typing import TypeVar

from playwright.async_api import Dialog, Locator, Page
from playwright.async_api import TimeoutError as PlaywrightTimeout

from hub.errors import RobotBroken, TargetUnavailable

T = TypeVar("T")

#: How long the next select of a cascade may take to receive its options.
CASCADE_TIMEOUT_MS = 10_000


async def select_cascade(
    steps: Sequence[tuple[Locator, str]], *, timeout_ms: float = CASCADE_TIMEOUT_MS
) -> None:
    """Choose a value in each select of a cascade (市 -> 县 -> 乡镇), in order.

    The page fills each select only after the one before it changes, often by a request and a
    delay of its own; so before each choice this waits until the select has an option with the
    wanted value (select_option alone would wait too, but for Playwright's default 30 s and
    then fail with a bare timeout). A select that already shows its value is left alone: the
    change event of choosing it again would empty and refill the selects below it. Raises
    RobotBroken naming the step and value when an option never comes (codes, not personal data).
    """
    for number, (select, value) in enumerate(steps, 1):
        option = select.locator(f"option[value={json.dumps(value, ensure_ascii=False)}]")
        try:
            await option.first.wait_for(state="attached", timeout=timeout_ms)
        except PlaywrightTimeout:
            raise RobotBroken(
                f"cascade step {number}: no option {value!r} after {timeout_ms / 1000:g} s"
            ) from None
        if await select.input_value() != value:
            await select.select_option(value=value)


async def set_readonly_date(field: Locator, iso_date: str) -> None:
    """Put a date (YYYY-MM-DD) into a read-only box that only the page's calendar can fill.

    Setting the value through script is acceptable because the calendar itself does no more:
    it writes the chosen day into the box as text, and the server receives and checks that text
    like any other field. Clicking through a widget's months is slow, breaks with every change
    of its look, and proves nothing the server does not check again. The input and change
    events then let the page's own listeners run as they would after a pick (a page that keeps
    a second, hidden copy of the date fills it from them). Raises ValueError for a text that is
    not an ISO date, and RobotBroken when the page does not keep the value.
    """
    if len(iso_date) != 10 or date.fromisoformat(iso_date).isoformat() != iso_date:
        raise ValueError(f"not a YYYY-MM-DD date: {iso_date!r}")
    await field.evaluate(
        """(box, value) => {
            box.value = value;
            box.dispatchEvent(new Event("input", {bubbles: true}));
            box.dispatchEvent(new Event("change", {bubbles: true}));
        }""",
        iso_date,
    )
    if await field.input_value() != iso_date:
        raise RobotBroken("the read-only date box did not keep the date set")


def accept_dialogs(page: Page, expected: Mapping[str, bool]) -> list[str]:
    """Answer the page's alert(), confirm() and prompt() dialogs from now on.

    A dialog whose message (trimmed) is a key of expected is accepted (True) or declined
    (False). Any other confirm or prompt is declined: it may be asking something the robot
    must not agree to (提交重复申请？), and declining leaves the page where it was, for the robot
    to notice. Alerts only inform and are acknowledged. The messages that were not expected are
    returned in a list that grows as they come; a robot that ends up somewhere it did not expect
    can say how many there were (their text may carry personal data, so not in the error).
    """
    unexpected: list[str] = []

    async def answer(dialog: Dialog) -> None:
        accept = expected.get(dialog.message.strip())
        if accept is None:
            unexpected.append(dialog.message)
            accept = dialog.type == "alert"
        await (dialog.accept() if accept else dialog.dismiss())

    page.on("dialog", answer)
    return unexpected


class SessionExpired(TargetUnavailable):
    """The target showed its log-in page where a logged-in page was expected: the session ran
    out (idle timeout, a restart of the target). Page objects raise it; relogin_on_expiry logs
    in again. Should it escape, a retry of the delivery starts with a fresh log-in."""

    user_message = "目标系统登录已超时，系统将自动重试"


async def relogin_on_expiry(
    step: Callable[[], Awaitable[T]],
    log_in: Callable[[], Awaitable[None]],
    *,
    attempts: int = 2,
) -> T:
    """Run step; each time it raises SessionExpired, log in again and run it from its start.

    step must be safe to redo from the beginning. An old system that times a post out files
    nothing, but only a look-up can prove it: let step search for the record before it files.
    After `attempts` runs end in SessionExpired, the last one is let through (a retryable
    TargetUnavailable: the session keeps running out faster than the robot can file).
    """
    for attempt in range(1, attempts + 1):
        try:
            return await step()
        except SessionExpired:
            if attempt == attempts:
                raise
        await log_in()
    raise ValueError("attempts must be at least 1")
