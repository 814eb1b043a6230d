"""Logging in: the worker reads the CAPTCHA for the robot (ctx.ask_human); nobody to ask, or three
misreadings, stop the delivery before anything is filed; the system's refusals of her account."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from connectors.sdk import Application, BrowserPool
from connectors.veterans import connector
from connectors.veterans._login import LoginPage
from connectors.veterans.tests._support import (
    COLLEAGUES,
    HERS,
    WRONG_PASSWORD,
    Person,
    config,
    records,
)
from hub.errors import CredentialsRejected, HumanNeeded
from tests.factories import valid_id_number

if TYPE_CHECKING:
    from playwright.async_api import Route

    from connectors.conftest import DeliveryRecorder


async def test_a_misread_captcha_is_asked_again_and_the_record_filed_once(
    veterans: str, browsers: BrowserPool, recorder: DeliveryRecorder, veteran: Application
) -> None:
    ctx = recorder.context(config(veterans), browsers=browsers, account=HERS)
    person = Person(veterans, misreads=1)
    ctx.ask_human = person

    receipt = await connector.deliver(ctx, veteran)

    [record] = await records(veterans)
    assert record["receipt_no"] == receipt.receipt_no
    first, second = person.questions
    assert first.image != second.image  # a new image after 验证码错误
    assert recorder.credential_reads == 1


async def test_her_next_delivery_reuses_the_login_and_asks_no_captcha(
    veterans: str, browsers: BrowserPool, recorder: DeliveryRecorder, veteran: Application
) -> None:
    person = Person(veterans)
    another = veteran.model_copy(update={"id_number": valid_id_number("19680412", "1", seq=41)})

    for application in (veteran, another):
        ctx = recorder.context(config(veterans), browsers=browsers, account=HERS)
        ctx.ask_human = person
        await connector.deliver(ctx, application)

    assert len(await records(veterans)) == 2
    assert len(person.questions) == 1  # one CAPTCHA for her to read, not one per delivery
    assert (recorder.credential_reads, recorder.logins_kept) == (1, 1)


async def test_three_misreadings_stop_the_delivery_for_a_person(
    veterans: str, browsers: BrowserPool, recorder: DeliveryRecorder, veteran: Application
) -> None:
    ctx = recorder.context(config(veterans), browsers=browsers, account=HERS)
    person = Person(veterans, misreads=10)
    ctx.ask_human = person

    with pytest.raises(HumanNeeded) as raised:
        await connector.deliver(ctx, veteran)

    assert len(person.questions) == 3
    assert "验证码连续3次错误" in raised.value.user_message
    assert await records(veterans) == []


async def test_with_nobody_to_ask_the_delivery_needs_a_person_and_files_nothing(
    veterans: str, browsers: BrowserPool, recorder: DeliveryRecorder, veteran: Application
) -> None:
    # The recorder's context keeps the SDK's default ask_human: there is no one to ask.
    ctx = recorder.context(config(veterans), browsers=browsers, account=HERS)

    with pytest.raises(HumanNeeded):
        await connector.deliver(ctx, veteran)

    assert await records(veterans) == []
    assert recorder.heartbeats == []


async def test_without_a_captcha_nobody_is_asked(
    veterans_without_captcha: str,
    browsers: BrowserPool,
    recorder: DeliveryRecorder,
    veteran: Application,
) -> None:
    ctx = recorder.context(config(veterans_without_captcha), browsers=browsers, account=COLLEAGUES)
    person = Person(veterans_without_captcha)
    ctx.ask_human = person

    receipt = await connector.deliver(ctx, veteran)

    [record] = await records(veterans_without_captcha)
    assert record["receipt_no"] == receipt.receipt_no
    assert record["submitted_by"] == COLLEAGUES.login_name
    assert person.questions == []


async def test_a_wrong_password_is_credentials_rejected(
    veterans: str, browsers: BrowserPool, recorder: DeliveryRecorder, veteran: Application
) -> None:
    ctx = recorder.context(config(veterans), browsers=browsers, account=WRONG_PASSWORD)
    person = Person(veterans)
    ctx.ask_human = person

    with pytest.raises(CredentialsRejected):
        await connector.deliver(ctx, veteran)

    assert len(person.questions) == 1  # the code was right; the password is not retried
    assert await records(veterans) == []


async def test_without_a_bound_account_the_robot_asks_nothing_and_files_nothing(
    veterans: str, browsers: BrowserPool, recorder: DeliveryRecorder, veteran: Application
) -> None:
    ctx = recorder.context(config(veterans), browsers=browsers, account=None)
    person = Person(veterans)
    ctx.ask_human = person

    with pytest.raises(CredentialsRejected):
        await connector.deliver(ctx, veteran)

    assert person.questions == []
    assert await records(veterans) == []


async def test_check_login_accepts_her_account_and_files_nothing(
    veterans: str, browsers: BrowserPool, recorder: DeliveryRecorder
) -> None:
    ctx = recorder.context(config(veterans), browsers=browsers, account=HERS)
    ctx.ask_human = Person(veterans)

    await connector.check_login(ctx)

    assert recorder.credential_reads == 1
    assert await records(veterans) == []


async def test_check_login_refuses_a_wrong_password(
    veterans: str, browsers: BrowserPool, recorder: DeliveryRecorder
) -> None:
    ctx = recorder.context(config(veterans), browsers=browsers, account=WRONG_PASSWORD)
    ctx.ask_human = Person(veterans)

    with pytest.raises(CredentialsRejected):
        await connector.check_login(ctx)


async def test_after_a_misreading_the_new_image_is_waited_for_not_taken_for_broken(
    veterans: str, browsers: BrowserPool
) -> None:
    # The 验证码错误 message shows before the new page's image has arrived when the image is slow
    # (a loaded machine, a slow line): the robot must wait for it rather than call itself broken.
    async def slow_image(route: Route) -> None:
        await asyncio.sleep(1.5)
        await route.continue_()

    async with browsers.context() as context:
        page = await context.new_page()
        await page.route("**/login/captcha.png?*", slow_image)
        login = LoginPage(page, veterans)
        await login.open()
        first = await login.captcha_image()

        assert not await login.log_in(HERS.login_name, HERS.password, "----")
        second = await login.captcha_image()

    assert first is not None and second is not None and first != second
