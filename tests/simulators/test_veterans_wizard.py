"""The 退役军人信息采集 wizard over HTTP: each step checked on 下一步, values kept in the session
both ways, no skipping, a summary, and 提交 filing once with a TYJR 采集编号."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from simulators.veterans import create_app
from tests.simulators._pages import Controls, error_block

USER, PASSWORD = "yuqi-wanghong", "Wanghong-2026!"
# Born 1968-04-12, sequence 027 (odd: male), check character X.
STEP_1 = {
    "name": "陈建国",
    "id_number": "32020619680412027X",
    "sex": "1",
    "birth_date": "1968-04-12",
    "ethnic_group": "01",
    "phone": "13812345678",
    "address": "江苏省无锡市惠山区堰桥街道锡澄路88号",
}
STEP_2 = {
    "enlisted_on": "1986-12-01",
    "discharged_on": "1990-12-01",
    "unit": "南京军区某部",
    "discharge_type": "4",
    "rank": "中士",
}
STEP_3 = {"placement": "1", "receives_pension": "0", "hardship": ""}
STEPS = {1: STEP_1, 2: STEP_2, 3: STEP_3}
Clock = Callable[[], datetime]


@pytest.fixture
def client(tmp_path: Path, clock: Clock) -> TestClient:
    # The log-in and its CAPTCHA are test_veterans.py's business.
    app = create_app(
        db_path=tmp_path / "veterans.db", accounts={USER: PASSWORD}, captcha=False, clock=clock
    )
    client = TestClient(app, follow_redirects=False)
    assert client.post("/login", data={"username": USER, "password": PASSWORD}).is_redirect
    return client


def next_step(client: TestClient, number: int, values: Mapping[str, str], action: str = "next"):
    return client.post(f"/collect/step/{number}", data={**values, "action": action})


def walk_wizard(client: TestClient, overrides: Mapping[str, str] | None = None) -> str:
    """Start afresh, pass every step with the sample values (changed by overrides), submit, and
    return the 采集编号."""
    changed = dict(overrides or {})
    client.get("/collect/new")
    for number, values in STEPS.items():
        answer = next_step(
            client, number, {**values, **{k: v for k, v in changed.items() if k in values}}
        )
        assert answer.headers.get("location") == f"/collect/step/{number + 1}", answer.text
    done = client.post("/collect/submit", data={"action": "submit"})
    match = re.search(r'采集编号：<span id="receipt-no">([^<]+)</span>', done.text)
    assert match, done.text
    return match.group(1)


def test_step_one_lists_every_problem_marks_the_fields_and_keeps_the_values(
    client: TestClient,
) -> None:
    client.get("/collect/new")
    typed = STEP_1 | {"name": " ", "phone": "0510123", "birth_date": "1968-04-13"}

    page = next_step(client, 1, typed)

    assert page.status_code == 200
    messages = re.findall(r"<li>(.*?)</li>", error_block(page.text))
    assert messages == [
        "请填写姓名",
        "出生日期与公民身份号码不一致",
        "联系电话应为以1开头的11位数字",
    ]
    controls = Controls(page.text)
    assert controls.labelled("联系电话")["value"] == "0510123"
    assert controls.labelled("联系电话")["aria-invalid"] == "true"
    assert "aria-invalid" not in controls.labelled("户籍地址")
    assert client.get("/collect/step/2").headers["location"] == "/collect/step/1"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"discharged_on": "1986-11-30"}, "退役时间应晚于入伍时间"),
        ({"enlisted_on": "1984-01-01"}, "入伍时未满16周岁，请核对入伍时间"),
        ({"discharged_on": "2026-11-26"}, "退役时间不能晚于当前日期"),
        ({"enlisted_on": "1986/12/01"}, "入伍时间格式应为YYYY-MM-DD"),
        ({"discharge_type": "7"}, "退役类别无效"),
        ({"unit": ""}, "请填写服役部队"),
        ({"rank": "一" * 21}, "军衔/级别不能超过20个字"),
    ],
)
def test_step_two_checks_the_service_record(
    client: TestClient, changes: dict[str, str], message: str
) -> None:
    client.get("/collect/new")
    next_step(client, 1, STEP_1)

    page = next_step(client, 2, STEP_2 | changes)

    assert re.findall(r"<li>(.*?)</li>", error_block(page.text)) == [message]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"receives_pension": ""}, "请选择是否享受抚恤补助"),
        ({"placement": ""}, "请选择安置方式"),
        ({"hardship": "困" * 501}, "困难情况不能超过500个字"),
    ],
)
def test_step_three_checks_placement_and_pension(
    client: TestClient, changes: dict[str, str], message: str
) -> None:
    client.get("/collect/new")
    next_step(client, 1, STEP_1)
    next_step(client, 2, STEP_2)

    page = next_step(client, 3, STEP_3 | changes)

    assert re.findall(r"<li>(.*?)</li>", error_block(page.text)) == [message]


def test_going_back_keeps_every_value_and_leaving_again_checks_again(client: TestClient) -> None:
    client.get("/collect/new")
    next_step(client, 1, STEP_1)
    next_step(client, 2, STEP_2)

    back = next_step(client, 3, {"placement": "2", "hardship": "因病致困"}, action="back")

    assert back.headers["location"] == "/collect/step/2"
    assert (
        Controls(client.get("/collect/step/2").text).labelled("服役部队")["value"] == "南京军区某部"
    )
    next_step(client, 2, STEP_2, action="back")
    assert Controls(client.get("/collect/step/1").text).labelled("姓名")["value"] == "陈建国"
    # Step 3 was left with 上一步, unchecked: it cannot be skipped to the confirmation.
    assert client.get("/collect/step/4").headers["location"] == "/collect/step/2"
    next_step(client, 2, STEP_2)
    step_3 = Controls(client.get("/collect/step/3").text)
    assert step_3.labelled("困难情况")["value"] == "因病致困"
    assert re.search(
        r'<option value="2" selected>安排工作</option>', client.get("/collect/step/3").text
    )


def test_steps_cannot_be_skipped(client: TestClient) -> None:
    client.get("/collect/new")
    next_step(client, 1, STEP_1)

    assert client.get("/collect/step/3").headers["location"] == "/collect/step/2"
    assert client.post("/collect/submit", data={"action": "submit"}).headers["location"] == (
        "/collect/step/2"
    )
    assert client.get("/_sim/records").json() == []


def test_the_ethnic_group_select_offers_the_56_gbt_3304_groups(client: TestClient) -> None:
    client.get("/collect/new")

    options = Controls(client.get("/collect/step/1").text).options["ethnic_group"]

    groups = [o for o in options if o[0]]
    assert len(groups) == 56
    assert (groups[0], groups[2], groups[-1]) == (("01", "汉族"), ("03", "回族"), ("56", "基诺族"))


def test_the_confirmation_shows_the_texts_and_submit_files_the_codes(client: TestClient) -> None:
    client.get("/collect/new")
    for number, values in STEPS.items():
        next_step(client, number, values)

    summary = client.get("/collect/step/4").text
    done = client.post("/collect/submit", data={"action": "submit"})

    for text in ("汉族", "退伍（士兵）", "自主就业", "否", "南京军区某部"):
        assert f">{text}</td>" in summary
    assert '<td class="sensitive">32020619680412027X</td>' in summary
    assert "提交成功" in done.text
    assert '<span id="receipt-no">TYJR20261125000001</span>' in done.text
    [record] = client.get("/_sim/records").json()
    assert record | STEP_1 | STEP_2 | STEP_3 == record  # stored as typed, codes and all
    assert (record["business_type"], record["status"]) == ("退役军人信息采集", "已受理")
    assert record["submitted_by"] == USER
    # The session's draft is gone: the next collection starts blank.
    assert client.get("/collect/step/2").headers["location"] == "/collect/step/1"
    assert Controls(client.get("/collect/step/1").text).labelled("姓名")["value"] == ""


def test_back_from_the_confirmation_returns_to_step_three(client: TestClient) -> None:
    client.get("/collect/new")
    for number, values in STEPS.items():
        next_step(client, number, values)

    back = client.post("/collect/submit", data={"action": "back"})

    assert back.headers["location"] == "/collect/step/3"
    assert client.get("/_sim/records").json() == []


def test_submit_checks_everything_again(client: TestClient, set_clock) -> None:
    client.get("/collect/new")
    for number, values in STEPS.items():
        next_step(client, number, values)
    # The clock moves back past the discharge day between 下一步 and 提交.
    set_clock(datetime.fromisoformat("1990-06-01T10:00:00+08:00"))

    page = client.post("/collect/submit", data={"action": "submit"})

    assert page.status_code == 200
    assert "退役时间不能晚于当前日期" in error_block(page.text)
    assert client.get("/_sim/records").json() == []


def test_receipt_numbers_count_up_within_the_day(client: TestClient) -> None:
    assert walk_wizard(client) == "TYJR20261125000001"
    assert walk_wizard(client) == "TYJR20261125000002"
