"""The SDK's helpers for old pages, each against a tiny page in a real Chromium."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Page, expect

from connectors.sdk import BrowserPool
from connectors.sdk._legacy import (
    SessionExpired,
    accept_dialogs,
    relogin_on_expiry,
    select_cascade,
    set_readonly_date,
)
from hub.errors import RobotBroken, TargetUnavailable
from hub.settings import BrowserSettings

#: Three selects; each fills the next 150 ms after it changes, as an old page's script does
#: after its look-up, and empties the ones below it at once.
CASCADE = """
<select id="city" onchange="load(this, 'county', ['town'])">
  <option value="">--请选择--</option><option value="320200">无锡市</option></select>
<select id="county" onchange="load(this, 'town', [])"><option value="">--请选择--</option></select>
<select id="town"><option value="">--请选择--</option></select>
<script>
var TREE = {"320200": {"320206": "惠山区", "320211": "滨湖区"},
            "320206": {"320206104": "玉祁街道", "320206100": "洛社镇"},
            "320211": {"320211100": "胡埭镇"}};
var loads = 0;
function load(parent, childId, laterIds) {
  var ids = [childId].concat(laterIds);
  for (var i = 0; i < ids.length; i++) document.getElementById(ids[i]).options.length = 1;
  loads++;
  setTimeout(function () {
    var child = document.getElementById(childId), kids = TREE[parent.value] || {};
    for (var code in kids) child.options[child.options.length] = new Option(kids[code], code);
  }, 150);
}
</script>
"""

DATE_BOX = """
<input id="day" readonly onchange="document.getElementById('year').value = this.value.slice(0, 4)">
<input id="year" type="hidden">
<input id="stubborn" readonly onchange="this.value = ''">
"""

CONFIRMING_FORM = """
<form onsubmit="ask('确定要提交该申请吗？'); return false;">
  <button type="submit">提 交</button>
</form>
<button id="other" onclick="ask('已存在相同申请，是否继续？')">另一个</button>
<button id="note" onclick="alert('请注意核对'); document.title = 'after alert'">提示</button>
<script>
function ask(question) { document.title = confirm(question) ? "posted" : "kept"; }
</script>
"""


@pytest.fixture(scope="module")
async def pool() -> AsyncIterator[BrowserPool]:
    browsers = BrowserPool(executable=BrowserSettings().executable)
    try:
        yield browsers
    finally:
        await browsers.close()


@pytest.fixture
async def page(pool: BrowserPool) -> AsyncIterator[Page]:
    async with pool.context() as context:
        yield await context.new_page()


async def test_select_cascade_waits_for_each_list_before_choosing(page: Page) -> None:
    await page.set_content(CASCADE)
    city, county, town = (page.locator(f"#{id_}") for id_ in ("city", "county", "town"))

    await select_cascade([(city, "320200"), (county, "320206"), (town, "320206104")])

    assert [await s.input_value() for s in (city, county, town)] == [
        "320200",
        "320206",
        "320206104",
    ]


async def test_select_cascade_leaves_a_select_that_already_shows_its_value(page: Page) -> None:
    await page.set_content(CASCADE)
    city, county, town = (page.locator(f"#{id_}") for id_ in ("city", "county", "town"))
    await select_cascade([(city, "320200"), (county, "320206"), (town, "320206104")])

    await select_cascade([(city, "320200"), (county, "320206"), (town, "320206100")])

    assert await page.evaluate("loads") == 2  # city and county changed once each, no refill
    assert await town.input_value() == "320206100"


async def test_select_cascade_names_the_step_whose_option_never_comes(page: Page) -> None:
    await page.set_content(CASCADE)
    city, county = page.locator("#city"), page.locator("#county")

    with pytest.raises(RobotBroken, match=r"cascade step 2: no option '320299' after 0.5 s"):
        await select_cascade([(city, "320200"), (county, "320299")], timeout_ms=500)


async def test_set_readonly_date_fills_the_box_and_lets_the_page_hear_it(page: Page) -> None:
    await page.set_content(DATE_BOX)
    day = page.locator("#day")

    await set_readonly_date(day, "2026-11-25")

    await expect(day).to_have_value("2026-11-25")
    await expect(day).to_have_attribute("readonly", "")
    await expect(page.locator("#year")).to_have_value("2026")  # its change listener ran


@pytest.mark.parametrize("text", ["2026-11-31", "2026/11/25", "20261125", "2026-1-5"])
async def test_set_readonly_date_refuses_what_is_not_an_iso_date(page: Page, text: str) -> None:
    await page.set_content(DATE_BOX)

    with pytest.raises(ValueError):
        await set_readonly_date(page.locator("#day"), text)

    await expect(page.locator("#day")).to_have_value("")


async def test_set_readonly_date_says_when_the_page_throws_the_date_away(page: Page) -> None:
    await page.set_content(DATE_BOX)

    with pytest.raises(RobotBroken, match="did not keep"):
        await set_readonly_date(page.locator("#stubborn"), "2026-11-25")


async def test_an_expected_confirm_is_answered_as_told(page: Page) -> None:
    await page.set_content(CONFIRMING_FORM)
    unexpected = accept_dialogs(page, {"确定要提交该申请吗？": True})

    await page.get_by_role("button", name="提 交").click()

    await expect(page).to_have_title("posted")
    assert unexpected == []


async def test_an_expected_confirm_can_be_declined(page: Page) -> None:
    await page.set_content(CONFIRMING_FORM)
    accept_dialogs(page, {"确定要提交该申请吗？": False})

    await page.get_by_role("button", name="提 交").click()

    await expect(page).to_have_title("kept")


async def test_an_unknown_confirm_is_declined_and_reported(page: Page) -> None:
    await page.set_content(CONFIRMING_FORM)
    unexpected = accept_dialogs(page, {"确定要提交该申请吗？": True})

    await page.locator("#other").click()

    await expect(page).to_have_title("kept")
    assert unexpected == ["已存在相同申请，是否继续？"]


async def test_an_unknown_alert_is_acknowledged_and_reported(page: Page) -> None:
    await page.set_content(CONFIRMING_FORM)
    unexpected = accept_dialogs(page, {})

    await page.locator("#note").click()

    await expect(page).to_have_title("after alert")
    assert unexpected == ["请注意核对"]


class _Robot:
    """A step that finds the session gone `expiries` times, and a log-in that counts."""

    def __init__(self, expiries: int) -> None:
        self.expiries = expiries
        self.steps = 0
        self.logins = 0

    async def step(self) -> str:
        self.steps += 1
        if self.steps <= self.expiries:
            raise SessionExpired("login page after submit")
        return "CJBT20261125000001"

    async def log_in(self) -> None:
        self.logins += 1


async def test_relogin_on_expiry_logs_in_again_and_redoes_the_step() -> None:
    robot = _Robot(expiries=1)

    assert await relogin_on_expiry(robot.step, robot.log_in) == "CJBT20261125000001"
    assert (robot.steps, robot.logins) == (2, 1)


async def test_relogin_on_expiry_gives_up_with_a_retryable_error() -> None:
    robot = _Robot(expiries=5)

    with pytest.raises(SessionExpired) as raised:
        await relogin_on_expiry(robot.step, robot.log_in, attempts=2)

    assert isinstance(raised.value, TargetUnavailable) and raised.value.retryable
    assert (robot.steps, robot.logins) == (2, 1)


async def test_relogin_on_expiry_lets_other_errors_through_without_logging_in() -> None:
    async def broken() -> str:
        raise RobotBroken("selector vanished")

    robot = _Robot(expiries=0)

    with pytest.raises(RobotBroken):
        await relogin_on_expiry(broken, robot.log_in)

    assert robot.logins == 0
