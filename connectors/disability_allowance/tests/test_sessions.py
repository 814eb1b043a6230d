"""The system's two-minute idle timeout, met in the middle of a form, and a system that is down."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import pytest
from playwright.async_api import Browser, BrowserContext, Route

from connectors.disability_allowance import connector
from connectors.disability_allowance.tests.conftest import (
    HERS,
    MovableClock,
    SystemFactory,
    config,
    records,
)
from connectors.sdk import Application, BrowserPool
from connectors.sdk._legacy import SessionExpired
from hub.errors import TargetUnavailable
from simulators._conditions import Conditions

if TYPE_CHECKING:
    from connectors.sdk.testing import DeliveryRecorder


class IdleBeforeFirstPost(BrowserPool):
    """The worker's pool, but the first form post of each context waits, as far as the system
    can tell, longer than its idle timeout: the clock jumps 121 s before the post goes through.
    Counts the log-ins the robot posts."""

    def __init__(self, pool: BrowserPool, clock: MovableClock, *, every_post: bool = False) -> None:
        self._pool = pool
        self._clock = clock
        self._every_post = every_post
        self.form_posts = 0
        self.logins = 0

    async def browser(self) -> Browser:
        return await self._pool.browser()

    @asynccontextmanager
    async def context(self, **options: Any) -> AsyncIterator[BrowserContext]:
        async with self._pool.context(**options) as context:
            await context.route("**/subsidy/apply.do", self._idle_first)
            await context.route("**/login.do", self._count_login)
            yield context

    async def _idle_first(self, route: Route) -> None:
        if route.request.method == "POST":
            self.form_posts += 1
            if self.form_posts == 1 or self._every_post:
                self._clock.move(121)
        await route.continue_()

    async def _count_login(self, route: Route) -> None:
        self.logins += route.request.method == "POST"
        await route.continue_()


async def test_a_session_that_times_out_mid_form_is_logged_in_again_and_filed_once(
    disability: str,
    browsers: BrowserPool,
    clock: MovableClock,
    recorder: DeliveryRecorder,
    application: Application,
) -> None:
    idle = IdleBeforeFirstPost(browsers, clock)
    ctx = recorder.context(config(disability), browsers=idle, account=HERS)

    receipt = await connector.deliver(ctx, application)

    [record] = await records(disability)
    assert record["receipt_no"] == receipt.receipt_no and not receipt.existing
    assert (idle.form_posts, idle.logins) == (2, 2)  # the lost post, then the one after log-in
    assert recorder.credential_reads == 1  # her account is read once per delivery
    assert record["name"] == "&#134071;祥英"  # the form was filled again from the start


async def test_a_session_that_keeps_timing_out_is_left_for_a_retry(
    disability: str,
    browsers: BrowserPool,
    clock: MovableClock,
    recorder: DeliveryRecorder,
    application: Application,
) -> None:
    idle = IdleBeforeFirstPost(browsers, clock, every_post=True)
    ctx = recorder.context(config(disability), browsers=idle, account=HERS)

    with pytest.raises(SessionExpired) as raised:
        await connector.deliver(ctx, application)

    assert raised.value.retryable
    assert await records(disability) == []
    assert idle.form_posts == 2


async def test_a_timeout_shorter_than_a_log_in_is_a_retryable_failure(
    start_system: SystemFactory,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    application: Application,
) -> None:
    with start_system(Conditions(session_timeout_s=0)) as base_url:
        ctx = recorder.context(config(base_url), browsers=browsers, account=HERS)

        with pytest.raises(TargetUnavailable):
            await connector.deliver(ctx, application)

        assert await records(base_url) == []


async def test_a_system_that_is_down_is_unavailable_and_her_account_is_not_read(
    start_system: SystemFactory,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    application: Application,
) -> None:
    with start_system(Conditions(down=True)) as base_url:
        ctx = recorder.context(config(base_url), browsers=browsers, account=HERS)

        with pytest.raises(TargetUnavailable):
            await connector.deliver(ctx, application)

    assert recorder.credential_reads == 0
