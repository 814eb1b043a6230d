"""Reading the reviewers' decision back from 申请查询, and the receipt page's evidence."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import httpx
import pytest

from connectors.disability_allowance import connector
from connectors.disability_allowance._entry import ConfirmationPage
from connectors.disability_allowance.tests.conftest import HERS, config, decide, records
from connectors.sdk import Application, BrowserPool
from hub.errors import RobotBroken

if TYPE_CHECKING:
    from connectors.sdk.testing import DeliveryRecorder


async def test_reads_the_reviewers_approval_from_the_search_page(
    disability: str, browsers: BrowserPool, recorder: DeliveryRecorder, application: Application
) -> None:
    ctx = recorder.context(config(disability), browsers=browsers, account=HERS)
    receipt = await connector.deliver(ctx, application)
    assert await connector.check_decision(ctx, application, receipt.receipt_no) is None

    await decide(disability, receipt.receipt_no, {"result": "approved"})
    decision = await connector.check_decision(ctx, application, receipt.receipt_no)

    [record] = await records(disability)
    assert decision is not None and decision.result == "approved"
    assert decision.amount == Decimal(str(record["monthly_amount"])) == Decimal(350)
    assert decision.starts_on == date.fromisoformat(f"{record['start_month']}-01")
    assert decision.decided_on == date.fromisoformat(str(record["decided_on"]))


async def test_a_refusal_comes_back_with_the_reviewers_reason(
    disability: str, browsers: BrowserPool, recorder: DeliveryRecorder, application: Application
) -> None:
    ctx = recorder.context(config(disability), browsers=browsers, account=HERS)
    receipt = await connector.deliver(ctx, application)
    await decide(disability, receipt.receipt_no, {"result": "rejected", "reason": "户籍不在本省"})

    decision = await connector.check_decision(ctx, application, receipt.receipt_no)

    assert decision is not None
    assert (decision.result, decision.reason, decision.amount) == ("rejected", "户籍不在本省", None)


async def test_a_receipt_the_search_does_not_show_means_the_robot_is_broken(
    disability: str, browsers: BrowserPool, recorder: DeliveryRecorder, application: Application
) -> None:
    ctx = recorder.context(config(disability), browsers=browsers, account=HERS)

    with pytest.raises(RobotBroken):
        await connector.check_decision(ctx, application, "CJBT20260101999999")


async def test_the_evidence_masks_each_cell_with_her_name_and_numbers(
    disability: str, browsers: BrowserPool, application: Application
) -> None:
    receipt_page = await _file_by_hand(disability, application)
    async with browsers.context() as context:
        page = await context.new_page()
        await page.set_content(receipt_page)

        texts = [(await c.inner_text()).strip() for c in ConfirmationPage(page).personal_cells()]

    assert texts == [application.name, application.id_number, f"{application.id_number}41"]


async def _file_by_hand(base_url: str, application: Application) -> str:
    """The system's receipt page for the application, filed as her browser would post it."""
    values = connector.map(application)
    form = {
        "xm": "&#134071;祥英",
        "sfzh": values["公民身份号码"],
        "xb": values["性别"],
        "cjzh": values["残疾证号"],
        "cjlb": values["残疾类别"],
        "cjdj": values["残疾等级"],
        "btlx": ["1", "2"],
        "shi": "320200",
        "xian": "320206",
        "xiang": values["所在地区"],
        "xxdz": values["详细地址"],
        "lxdh": values["联系电话"],
        "khyh": values["开户银行"],
        "yhzh": values["银行账号"],
        "sqrq": values["申请日期"],
    }
    async with httpx.AsyncClient(base_url=base_url) as http:
        login = {"username": HERS.login_name, "password": HERS.password}
        await http.post("/login.do", data=login)
        answer = await http.post(
            "/subsidy/apply.do",
            content=urlencode(form, doseq=True, encoding="gbk"),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
    assert "保存成功".encode("gbk") in answer.content
    return answer.content.decode("gbk")
