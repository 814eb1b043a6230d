"""A robot in real Chromium files a 低保 application as the worker, with her exchanged token set
as a bearer header on the browser context: no session, no log-in page."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Dialog, async_playwright, expect

from simulators import create_social_assistance_app
from tests._servers import serve
from tests._tokens import TokenMint

ISSUER = "http://127.0.0.1:8080/realms/community"
CLIENT_ID = "social-assistance"
USER, NAME = "worker-a", "王 丽"
CHROMIUM = "/usr/bin/chromium"
# As connectors/sdk/_browser.py launches it: as root, on a machine without general network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
CHROMIUM_ARGS += ["--disable-background-networking", "--disable-component-update"]


@pytest.fixture
def mint() -> TokenMint:
    return TokenMint(issuer=ISSUER, audience=CLIENT_ID)


@pytest.fixture
def base_url(tmp_path: Path, clock: Callable[[], datetime], mint: TokenMint) -> Iterator[str]:
    app = create_social_assistance_app(
        db_path=tmp_path / "social_assistance.db",
        issuer=ISSUER,
        client_id=CLIENT_ID,
        client_secret="test-secret",
        public_url="http://127.0.0.1:8103",
        clock=clock,
        jwks_client=mint.jwks_client,
    )
    with serve(app) as url:
        yield url


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


async def _records(base_url: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=base_url) as http:
        records: list[dict[str, Any]] = (await http.get("/_sim/records")).json()
        return records


async def test_robot_with_a_bearer_header_files_through_confirm_and_reads_the_receipt(
    base_url: str, browser: Browser, mint: TokenMint
) -> None:
    token = mint.token(USER, roles=["worker"], claims={"name": NAME})
    context = await browser.new_context(
        locale="zh-CN", extra_http_headers={"Authorization": f"Bearer {token}"}
    )
    try:
        page = await context.new_page()
        dialogs: list[tuple[str, str]] = []
        confirm_answers = [False, True]  # first time say no, then yes

        async def answer(dialog: Dialog) -> None:
            dialogs.append((dialog.type, dialog.message))
            if dialog.type == "confirm" and not confirm_answers.pop(0):
                await dialog.dismiss()
            else:
                await dialog.accept()

        page.on("dialog", answer)
        await page.goto(f"{base_url}/dibao/new")
        await expect(page.locator("#current-user")).to_have_text(f"{NAME}（{USER}）")
        await page.get_by_label("申请人姓名").fill("陈建国")
        await page.get_by_label("公民身份号码").fill("32020619680412027X")
        await page.get_by_label("性别").select_option(label="男")
        await page.get_by_label("家庭人口").fill("3")
        await page.get_by_label("家庭月人均收入（元）").fill("500.50")
        await page.get_by_label("户籍地址").fill("江苏省无锡市惠山区堰桥街道锡澄路88号")
        await page.get_by_label("所属社区").fill("堰桥街道锡澄社区")
        await page.get_by_label("申请原因").fill("本人患病失去劳动能力。")
        await page.get_by_label("联系电话").fill("13812345678")
        await page.get_by_label("申请日期").fill("2026-11-25")
        submit = page.get_by_role("button", name="提交申请")

        async with page.expect_event("dialog"):
            await submit.click()  # dismissed: the form stays, nothing is posted
        await expect(page.get_by_label("申请人姓名")).to_have_value("陈建国")
        assert dialogs == [("confirm", "确认提交该低保申请？")]
        assert await _records(base_url) == []

        async with page.expect_event("dialog", lambda d: d.type == "alert") as alert:
            await submit.click()
        assert (await alert.value).message == "提交成功，受理编号：SHJZ20261125000001"
        await expect(page.locator("#receipt-no")).to_have_text("SHJZ20261125000001")
        assert dialogs[1:] == [
            ("confirm", "确认提交该低保申请？"),
            ("alert", "提交成功，受理编号：SHJZ20261125000001"),
        ]
    finally:
        await context.close()
    [record] = await _records(base_url)
    assert (record["receipt_no"], record["submitted_by"]) == ("SHJZ20261125000001", USER)
    assert (record["household_size"], record["monthly_income"]) == ("3", "500.50")
