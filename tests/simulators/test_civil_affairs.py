from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from simulators import create_civil_affairs_app
from tests.simulators._pages import Controls, error_block, table_rows

# worker-a's own account, as the demo gives her (the hub's robot logs in as the submitter).
USER, PASSWORD = "yuqi-wanghong", "Wanghong-2026!"
# 𠮷 (U+20BB7) lies outside the Basic Multilingual Plane: four bytes in UTF-8, a surrogate pair
# in UTF-16, so it is the name most likely to be mangled on the way.
RARE_NAME = "𠮷祥英"
# Region 320206, born 1942-03-15, sequence 124 (even: female), check character X.
RARE_NAME_ID = "32020619420315124X"
# Born 1936-07-08, sequence 002 (female), check character 5.
OTHER_ID = "320206193607080025"
NINETY = {"id_number": OTHER_ID, "birth_date": "1936-07-08", "allowance_type": "90-99"}
# Born 1925-05-20 (101 on the clock's day), sequence 003 (odd: male), check character 6.
HUNDRED = {
    "id_number": "320206192505200036",
    "sex": "1",
    "birth_date": "1925-05-20",
    "allowance_type": "100+",
}
# The first five are what the robot reads; the 审核 columns follow them.
SEARCH_COLUMNS = ["受理编号", "姓名", "业务类型", "状态", "提交时间"]
SEARCH_COLUMNS += ["核定金额（元/月）", "发放起始年月", "审核意见", "审核日期"]
REASON_REQUIRED = {"code": "INVALID", "message": "不予批准须填写理由", "field": "reason"}
Clock = Callable[[], datetime]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "civil_affairs.db"


@pytest.fixture
def anonymous(db_path: Path, clock: Clock) -> TestClient:
    app = create_civil_affairs_app(db_path=db_path, accounts={USER: PASSWORD}, clock=clock)
    return TestClient(app, follow_redirects=False)


@pytest.fixture
def client(anonymous: TestClient) -> TestClient:
    response = anonymous.post("/login", data={"username": USER, "password": PASSWORD})
    assert response.status_code == 303
    return anonymous


@pytest.fixture
def form() -> dict[str, str]:
    """An 84-year-old woman applying on the day the clock shows."""
    return {
        "name": RARE_NAME,
        "id_number": RARE_NAME_ID,
        "sex": "2",
        "birth_date": "1942-03-15",
        "phone": "13812345678",
        "address": "江苏省无锡市惠山区堰桥街道锡澄路88号",
        "community": "堰桥街道锡澄社区",
        "allowance_type": "80-89",
        "bank": "江苏银行",
        "bank_account": "6228480402564890018",
        "applied_on": "2026-11-25",
        "business_type": "高龄津贴",
    }


def _receipt(html: str) -> str:
    match = re.search(r'受理编号：<span id="receipt-no">([^<]+)</span>', html)
    assert match, "no receipt number on the page"
    return match.group(1)


def _file(client: TestClient, form: dict[str, str]) -> str:
    return _receipt(client.post("/elderly", data=form).text)


def _decide(client: TestClient, receipt_no: str, **decision: object) -> httpx.Response:
    return client.post(f"/_sim/applications/{receipt_no}/decision", json=decision)


def _search(client: TestClient, id_number: str = RARE_NAME_ID) -> list[list[str]]:
    """The #search-results rows after the caption: the header, then one row per record."""
    return table_rows(client.get("/elderly/search", params={"id_number": id_number}).text)[1:]


@pytest.mark.parametrize("path", ["/", "/elderly/new", "/elderly/search?id_number=1", "/records"])
def test_pages_redirect_to_login_without_a_session(anonymous: TestClient, path: str) -> None:
    response = anonymous.get(path)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"


def test_posting_an_application_without_a_session_files_nothing(
    anonymous: TestClient, form: dict[str, str]
) -> None:
    response = anonymous.post("/elderly", data=form)
    assert response.headers["location"] == "/login"
    assert anonymous.get("/_sim/records").json() == []


def test_login_page_has_labelled_fields_and_a_login_button(anonymous: TestClient) -> None:
    page = anonymous.get("/login").text
    controls = Controls(page)
    assert controls.labelled("用户名")["name"] == "username"
    assert controls.labelled("密码")["type"] == "password"
    assert re.search(r'<button type="submit">登录</button>', page)


def test_wrong_password_shows_error_and_grants_no_session(anonymous: TestClient) -> None:
    response = anonymous.post("/login", data={"username": USER, "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码错误" in error_block(response.text)
    assert anonymous.get("/").status_code == 303


def test_right_password_leads_to_the_menu(client: TestClient) -> None:
    page = client.get("/").text
    for text, href in [
        ("高龄津贴申请录入", "/elderly/new"),
        ("申请查询", "/elderly/search"),
        ("已受理记录", "/records"),
        ("退出", "/logout"),
    ]:
        assert f'<a href="{href}">{text}</a>' in page


def test_logout_ends_the_session(client: TestClient) -> None:
    assert client.get("/logout").headers["location"] == "/login"
    assert client.get("/").status_code == 303


def test_an_idle_session_ends_after_the_configured_timeout(
    client: TestClient, clock: Clock, set_clock: Callable[[datetime], None]
) -> None:
    client.put("/_sim/conditions", json={"session_timeout_s": 120})
    start = clock()
    set_clock(start + timedelta(seconds=100))
    assert client.get("/").status_code == 200  # in use: the idle time starts again
    set_clock(start + timedelta(seconds=200))
    assert client.get("/").status_code == 200
    set_clock(start + timedelta(seconds=321))

    assert client.get("/").headers["location"] == "/login"
    set_clock(start + timedelta(seconds=322))
    assert client.get("/").status_code == 303  # gone, not merely late


def test_entry_form_labels_name_the_expected_fields(client: TestClient) -> None:
    page = client.get("/elderly/new").text
    controls = Controls(page)
    expected = {
        "姓名": "name",
        "公民身份号码": "id_number",
        "性别": "sex",
        "出生日期": "birth_date",
        "联系电话": "phone",
        "户籍地址": "address",
        "所属社区": "community",
        "津贴类别": "allowance_type",
        "开户银行": "bank",
        "银行账号": "bank_account",
        "申请日期": "applied_on",
    }
    assert {label: controls.labelled(label)["name"] for label in expected} == expected
    assert controls.options["sex"] == [("", "--请选择--"), ("1", "男"), ("2", "女")]
    assert [value for value, _ in controls.options["allowance_type"]] == [
        "",
        "80-89",
        "90-99",
        "100+",
    ]
    assert "江苏银行" in [value for value, _ in controls.options["bank"]]
    assert '<input type="hidden" name="business_type" value="高龄津贴">' in page
    assert '<button type="submit">提交申请</button>' in page


def test_valid_application_gets_a_receipt_and_keeps_the_rare_character_name(
    client: TestClient, form: dict[str, str]
) -> None:
    response = client.post("/elderly", data=form)
    assert response.status_code == 200
    assert "提交成功" in response.text
    assert _receipt(response.text) == "MZGL20261125000001"
    [record] = client.get("/_sim/records").json()
    assert record == form | {
        "receipt_no": "MZGL20261125000001",
        "status": "已受理",
        "received_at": "2026-11-25T09:30:00+08:00",
        "submitted_by": USER,
        "monthly_amount": None,
        "start_month": None,
        "decided_on": None,
        "decision_reason": None,
    }
    assert RARE_NAME in client.get("/records").text


def test_records_survive_a_restart(
    client: TestClient, form: dict[str, str], db_path: Path, clock: Clock
) -> None:
    client.post("/elderly", data=form)
    restarted = create_civil_affairs_app(db_path=db_path, accounts={}, clock=clock)
    [record] = TestClient(restarted).get("/_sim/records").json()
    assert record["name"] == RARE_NAME


def test_same_application_sent_twice_is_filed_twice(
    client: TestClient, form: dict[str, str]
) -> None:
    first = _receipt(client.post("/elderly", data=form).text)
    second = _receipt(client.post("/elderly", data=form).text)
    assert (first, second) == ("MZGL20261125000001", "MZGL20261125000002")
    assert len(client.get("/_sim/records").json()) == 2


def test_receipt_sequence_restarts_each_day(
    client: TestClient, form: dict[str, str], clock: Clock, set_clock: Callable[[datetime], None]
) -> None:
    client.post("/elderly", data=form)
    set_clock(clock().replace(day=26))
    assert _receipt(client.post("/elderly", data=form).text) == "MZGL20261126000001"


def test_bad_check_character_shows_chinese_error_and_keeps_values(
    client: TestClient, form: dict[str, str]
) -> None:
    response = client.post("/elderly", data=form | {"id_number": "320206194203151241"})
    assert response.status_code == 200
    assert "公民身份号码校验位错误" in error_block(response.text)
    controls = Controls(response.text)
    assert controls.labelled("姓名")["value"] == RARE_NAME
    assert controls.labelled("公民身份号码")["value"] == "320206194203151241"
    assert controls.labelled("公民身份号码")["aria-invalid"] == "true"
    assert '<option value="2" selected>女</option>' in response.text
    assert client.get("/_sim/records").json() == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"birth_date": "1942-03-16"}, "出生日期与公民身份号码不一致"),
        ({"birth_date": "1942/03/15"}, "出生日期格式应为YYYY-MM-DD"),
        ({"allowance_type": "90-99"}, "津贴类别与申请人年龄不符（申请日84周岁）"),
        ({"phone": "2381234567"}, "联系电话应为以1开头的11位数字"),
        ({"sex": "1"}, "性别与公民身份号码不一致"),
        ({"bank_account": "6228-4804"}, "银行账号应为16至19位数字"),
        ({"id_number": "32020619420315124x"}, "公民身份号码应为18位"),
    ],
)
def test_invalid_values_are_refused_with_the_reason(
    client: TestClient, form: dict[str, str], change: dict[str, str], message: str
) -> None:
    response = client.post("/elderly", data=form | change)
    assert message in error_block(response.text)
    assert client.get("/_sim/records").json() == []


def test_applicant_under_80_is_refused(client: TestClient, form: dict[str, str]) -> None:
    young = {"id_number": "320206195001010023", "birth_date": "1950-01-01"}
    response = client.post("/elderly", data=form | young)
    assert "未满80周岁" in error_block(response.text)


def test_empty_form_reports_every_missing_field(client: TestClient) -> None:
    response = client.post("/elderly", data={"business_type": "高龄津贴"})
    errors = error_block(response.text)
    for message in [
        "请填写姓名",
        "请填写公民身份号码",
        "请选择性别",
        "请选择津贴类别",
        "请填写申请日期",
    ]:
        assert message in errors


def test_search_lists_every_record_for_the_id_number(
    client: TestClient, form: dict[str, str]
) -> None:
    client.post("/elderly", data=form)
    assert "提交成功" in client.post("/elderly", data=form | NINETY).text
    client.post("/elderly", data=form)
    rows = table_rows(client.get("/elderly/search", params={"id_number": RARE_NAME_ID}).text)
    assert rows[1] == SEARCH_COLUMNS
    assert [row[0] for row in rows[2:]] == ["MZGL20261125000001", "MZGL20261125000003"]
    # Not reviewed yet: the decision cells are there but empty.
    assert rows[2][1:] == [RARE_NAME, "高龄津贴", "已受理", "2026-11-25 09:30:00", "", "", "", ""]


def test_search_without_matches_says_so(client: TestClient) -> None:
    page = client.get("/elderly/search", params={"id_number": RARE_NAME_ID}).text
    assert '<td colspan="9">未查询到记录</td>' in page
    assert Controls(page).labelled("公民身份号码")["value"] == RARE_NAME_ID


def test_records_page_lists_newest_first(
    client: TestClient, form: dict[str, str], clock: Clock, set_clock: Callable[[datetime], None]
) -> None:
    client.post("/elderly", data=form)
    set_clock(clock().replace(hour=10))
    client.post("/elderly", data=form | {"name": "张桂兰"})
    rows = table_rows(client.get("/records").text)
    assert [row[2] for row in rows[1:]] == ["张桂兰", RARE_NAME]


def test_markup_in_values_is_escaped(client: TestClient, form: dict[str, str]) -> None:
    client.post("/elderly", data=form | {"address": "<b>惠山区</b>"})
    page = client.get("/records").text
    assert "&lt;b&gt;惠山区&lt;/b&gt;" in page
    assert "<b>惠山区</b>" not in page


def test_health_needs_no_login(anonymous: TestClient) -> None:
    assert anonymous.get("/_sim/health").json() == {"ok": True}


@pytest.mark.parametrize(
    ("person", "amount"), [({}, "100"), (NINETY, "300"), (HUNDRED, "600")], ids=["80", "90", "100"]
)
def test_approval_shows_amount_and_start_month_in_the_search_results(
    client: TestClient, form: dict[str, str], person: dict[str, str], amount: str
) -> None:
    receipt_no = _file(client, form | person)
    decided = _decide(client, receipt_no, result="approved")
    assert decided.status_code == 200
    [record] = client.get("/_sim/records").json()
    assert decided.json() == record
    assert record["status"] == "已批准"
    assert record["monthly_amount"] == int(amount)
    assert (record["start_month"], record["decided_on"]) == ("2026-12", "2026-11-25")
    header, row = _search(client, person.get("id_number", RARE_NAME_ID))
    assert header == SEARCH_COLUMNS
    assert row[0] == receipt_no
    assert row[3:] == ["已批准", "2026-11-25 09:30:00", amount, "2026-12", "", "2026-11-25"]


def test_refusal_from_the_records_page_shows_in_the_search_results(
    client: TestClient, form: dict[str, str]
) -> None:
    receipt_no = _file(client, form)
    page = client.get("/records").text
    for header in ["审核状态", "核定金额（元/月）", "发放起始年月", "审核意见"]:
        assert f"<th>{header}</th>" in page
    assert '<button type="submit" name="result" value="approved">批准</button>' in page
    reason_box = Controls(page).labelled("不予批准理由")
    assert (reason_box["name"], reason_box["type"]) == ("reason", "text")

    response = client.post(
        f"/_sim/applications/{receipt_no}/decision",
        data={"result": "rejected", "reason": "户籍不在本市"},
    )
    assert (response.status_code, response.headers["location"]) == (303, "/records")
    [_, row] = _search(client)
    assert row[3:] == ["不予批准", "2026-11-25 09:30:00", "", "", "户籍不在本市", "2026-11-25"]
    page = client.get("/records").text
    assert ">批准</button>" not in page and ">不予批准</button>" not in page
    assert "不予批准（2026-11-25）" in page


def test_approval_in_december_starts_paying_in_january(
    client: TestClient, form: dict[str, str], clock: Clock, set_clock: Callable[[datetime], None]
) -> None:
    receipt_no = _file(client, form)
    set_clock(clock().replace(month=12, day=15))
    record = _decide(client, receipt_no, result="approved").json()
    assert (record["decided_on"], record["start_month"]) == ("2026-12-15", "2027-01")
    assert _search(client)[1][5:7] == ["100", "2027-01"]


def test_deciding_twice_is_refused(client: TestClient, form: dict[str, str]) -> None:
    receipt_no = _file(client, form)
    assert _decide(client, receipt_no, result="rejected", reason="材料不全").status_code == 200
    again = _decide(client, receipt_no, result="approved")
    assert again.status_code == 409
    assert again.json() == {"code": "ALREADY_DECIDED", "message": "该申请已审核，不能重复审核"}
    assert _search(client)[1][3] == "不予批准"
    twice_by_form = client.post(
        f"/_sim/applications/{receipt_no}/decision", data={"result": "approved"}
    )
    assert twice_by_form.status_code == 409
    assert "该申请已审核，不能重复审核" in twice_by_form.text


def test_refusal_without_a_reason_is_refused(client: TestClient, form: dict[str, str]) -> None:
    receipt_no = _file(client, form)
    response = _decide(client, receipt_no, result="rejected")
    assert response.status_code == 422
    assert response.json() == {
        "code": "INVALID",
        "message": "不予批准须填写理由",
        "field": "reason",
    }
    assert _search(client)[1][3] == "已受理"


def test_deciding_an_unknown_receipt_is_not_found(anonymous: TestClient) -> None:
    response = _decide(anonymous, "MZGL20261125999999", result="approved")
    assert response.status_code == 404
    assert response.json() == {"code": "NOT_FOUND", "message": "未找到该受理编号"}


# The table as versions before 审核 created it: no decision columns.
_OLD_SCHEMA = """
CREATE TABLE applications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    receipt_no TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    received_at TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    name TEXT NOT NULL, id_number TEXT NOT NULL, sex TEXT NOT NULL, birth_date TEXT NOT NULL,
    phone TEXT NOT NULL, address TEXT NOT NULL, community TEXT NOT NULL,
    allowance_type TEXT NOT NULL, bank TEXT NOT NULL, bank_account TEXT NOT NULL,
    applied_on TEXT NOT NULL, business_type TEXT NOT NULL
);
"""


def test_database_from_an_older_version_is_upgraded_on_start(
    db_path: Path, clock: Clock, form: dict[str, str]
) -> None:
    with closing(sqlite3.connect(db_path)) as conn, conn:
        conn.executescript(_OLD_SCHEMA)
        row = form | {"receipt_no": "MZGL20261124000001", "status": "已受理"}
        row |= {"received_at": "2026-11-24T10:00:00+08:00", "submitted_by": USER}
        conn.execute(
            f"INSERT INTO applications ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})",
            list(row.values()),
        )
    app = create_civil_affairs_app(db_path=db_path, accounts={USER: PASSWORD}, clock=clock)
    client = TestClient(app, follow_redirects=False)
    client.post("/login", data={"username": USER, "password": PASSWORD})
    [record] = client.get("/_sim/records").json()
    assert record == row | {
        "monthly_amount": None,
        "start_month": None,
        "decided_on": None,
        "decision_reason": None,
    }
    assert _search(client)[1][3:] == ["已受理", "2026-11-24 10:00:00", "", "", "", ""]
    _decide(client, "MZGL20261124000001", result="approved")
    assert _search(client)[1][3:] == [
        "已批准",
        "2026-11-24 10:00:00",
        "100",
        "2026-12",
        "",
        "2026-11-25",
    ]
