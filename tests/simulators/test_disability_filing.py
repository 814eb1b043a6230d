"""Filing with the simulated 残疾人两项补贴管理系统: every rule in its own words, the form kept
after a refusal, the 申请查询 grid, and what the reviewer's decisions pay."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.simulators._pages import Controls
from tests.simulators.test_disability import (
    ID_NUMBER,
    RARE_NAME_AS_POSTED,
    _errors,
    _page,
    _post,
    _receipt,
    _records,
    anonymous,
    client,
    form,
    make_client,
)

__all__ = ["anonymous", "client", "form", "make_client"]  # fixtures, used by name


def test_a_blank_form_lists_every_missing_field_in_screen_order(client: TestClient) -> None:
    html = _page(_post(client, "/subsidy/apply.do", {"xm": ""}))

    assert _errors(html) == [
        "请填写姓名",
        "请填写公民身份号码",
        "请选择性别",
        "请填写残疾证号",
        "请选择残疾类别",
        "请选择残疾等级",
        "请选择补贴类型",
        "请选择所在地区（乡镇、街道）",
        "请填写详细地址",
        "请填写联系电话",
        "请选择开户银行",
        "请填写银行账号",
        "请选择申请日期",
    ]
    assert '<font color="red"><b>保存失败' in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"cjzh": f"{ID_NUMBER}4"}, "残疾证号应为20位（公民身份号码+残疾类别+残疾等级）"),
        ({"cjzh": "32020619360708002541"}, "残疾证号与公民身份号码不一致"),
        ({"cjzh": f"{ID_NUMBER}51"}, "残疾证号与残疾类别不一致"),
        ({"cjzh": f"{ID_NUMBER}42"}, "残疾证号与残疾等级不一致"),
        (
            {"cjzh": f"{ID_NUMBER}43", "cjdj": "3"},
            "重度残疾人护理补贴仅限残疾等级为一级、二级的残疾人申请",
        ),
        ({"btlx": ["3"]}, "补贴类型无效"),
        ({"xian": "320211"}, "所在地区无效"),  # 玉祁街道 is not in 滨湖区
        ({"xiang": "320206999"}, "所在地区无效"),
        ({"sqrq": "2026-11-26"}, "申请日期不能晚于当前日期"),
        ({"yhzh": "62284800"}, "银行账号应为16至19位数字"),
        ({"xb": "1"}, "性别与公民身份号码不一致"),
        ({"sfzh": "320206194203151240"}, "公民身份号码校验位错误"),
    ],
)
def test_each_rule_refuses_with_the_systems_words(
    client: TestClient,
    form: dict[str, str | list[str]],
    changes: dict[str, str | list[str]],
    message: str,
) -> None:
    html = _page(_post(client, "/subsidy/apply.do", form | changes))

    assert message in _errors(html)
    assert _records(client) == []


def test_a_refused_form_comes_back_with_what_was_typed(
    client: TestClient, form: dict[str, str | list[str]]
) -> None:
    html = _page(_post(client, "/subsidy/apply.do", form | {"lxdh": "12345"}))

    controls = Controls(html)
    assert _errors(html) == ["联系电话应为以1开头的11位数字"]
    assert controls.labelled("详细地址")["value"] == "惠山区玉祁街道玉祁社区3幢101室"
    assert controls.labelled("申请日期")["value"] == "2026-11-25"
    assert 'value="&#134071;祥英"' in html  # the name box shows 𠮷 again
    assert re.search(r'<option value="320206104" selected>玉祁街道</option>', html)
    assert re.search(r'id="btlx2" name="btlx" value="2" checked>', html)


def test_search_lists_each_application_with_receipt_and_status(
    client: TestClient, form: dict[str, str | list[str]]
) -> None:
    receipt = _receipt(_page(_post(client, "/subsidy/apply.do", form)))

    rows = _grid(client, ID_NUMBER)
    empty = _grid(client, "320206193607080025")

    assert rows[0][:5] == ["受理编号", "姓名", "补贴类型", "状态", "提交时间"]
    assert rows[1][:4] == [
        receipt,
        RARE_NAME_AS_POSTED,
        "困难残疾人生活补贴、重度残疾人护理补贴",
        "已受理",
    ]
    assert empty[1] == ["未查询到记录"]


def _grid(client: TestClient, id_number: str) -> list[list[str]]:
    """The rows of the 申请查询 grid: the header (cells of <td><b>), then one per record."""
    html = _page(client.get("/subsidy/query.do", params={"sfzh": id_number}))
    grid = re.search(r'<table id="dgResult"[^>]*>(.*?)</table>', html, re.S)
    assert grid, "no result grid"
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", grid.group(1), re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]
    return [[re.sub(r"</?b>", "", cell).strip() for cell in row] for row in cells]


@pytest.mark.parametrize(
    ("grade", "types", "amount"), [("1", ["1", "2"], 350), ("2", ["2"], 150), ("4", ["1"], 150)]
)
def test_an_approval_pays_each_subsidy_asked_for(
    client: TestClient, form: dict[str, str | list[str]], grade: str, types: list[str], amount: int
) -> None:
    changes: dict[str, str | list[str]] = {
        "cjdj": grade,
        "cjzh": f"{ID_NUMBER}4{grade}",
        "btlx": types,
    }
    receipt = _receipt(_page(_post(client, "/subsidy/apply.do", form | changes)))

    decided = client.post(f"/_sim/applications/{receipt}/decision", json={"result": "approved"})

    assert decided.json()["monthly_amount"] == amount
    assert decided.json()["start_month"] == "2026-12"


def test_the_records_page_lets_a_reviewer_refuse_in_chinese(
    client: TestClient, form: dict[str, str | list[str]]
) -> None:
    receipt = _receipt(_page(_post(client, "/subsidy/apply.do", form)))
    html = _page(client.get("/records"))
    assert f'action="/_sim/applications/{receipt}/decision" accept-charset="UTF-8"' in html

    # The reviewer's form posts UTF-8 (accept-charset), which the shared hook reads.
    client.post(
        f"/_sim/applications/{receipt}/decision",
        data={"result": "rejected", "reason": "户籍不在本市"},
    )

    [record] = _records(client)
    assert (record["status"], record["decision_reason"]) == ("不予批准", "户籍不在本市")
