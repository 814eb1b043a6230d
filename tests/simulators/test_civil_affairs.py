from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from simulators import create_civil_affairs_app

USER, PASSWORD = "yuqi-robot", "Civil-2026!"
# 𠮷 (U+20BB7) lies outside the Basic Multilingual Plane: four bytes in UTF-8, a surrogate pair
# in UTF-16, so it is the name most likely to be mangled on the way.
RARE_NAME = "𠮷祥英"
# Region 320206, born 1942-03-15, sequence 124 (even: female), check character X.
RARE_NAME_ID = "32020619420315124X"
# Born 1936-07-08, sequence 002 (female), check character 5.
OTHER_ID = "320206193607080025"
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


class _Controls(HTMLParser):
    """Maps each <label for> text to the attributes of the control it labels."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.controls: dict[str, dict[str, str | None]] = {}
        self.options: dict[str, list[tuple[str | None, str]]] = {}
        self.labels: dict[str, str] = {}
        self._label_for: str | None = None
        self._select: str | None = None
        self._option: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "label":
            self._label_for = attributes["for"]
        if tag in ("input", "select") and "id" in attributes:
            self.controls[attributes["id"] or ""] = attributes | {"tag": tag}
        if tag == "select":
            self._select = attributes["name"]
            self.options[self._select or ""] = []
        if tag == "option":
            self._option = attributes.get("value")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._label_for is not None:
            self.labels[data.strip()] = self._label_for
            self._label_for = None
        elif self._select is not None and data.strip():
            self.options[self._select].append((self._option, data.strip()))

    def labelled(self, label: str) -> dict[str, str | None]:
        return self.controls[self.labels[label]]


def _error_block(html: str) -> str:
    match = re.search(r'<div class="error" role="alert">(.*?)</div>', html, re.S)
    assert match, "no error block on the page"
    return match.group(1)


def _receipt(html: str) -> str:
    match = re.search(r'受理编号：<span id="receipt-no">([^<]+)</span>', html)
    assert match, "no receipt number on the page"
    return match.group(1)


def _table_rows(html: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    return [
        [cell.strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        for row in rows
    ]


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
    controls = _Controls(page)
    assert controls.labelled("用户名")["name"] == "username"
    assert controls.labelled("密码")["type"] == "password"
    assert re.search(r'<button type="submit">登录</button>', page)


def test_wrong_password_shows_error_and_grants_no_session(anonymous: TestClient) -> None:
    response = anonymous.post("/login", data={"username": USER, "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码错误" in _error_block(response.text)
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


def test_entry_form_labels_name_the_expected_fields(client: TestClient) -> None:
    page = client.get("/elderly/new").text
    controls = _Controls(page)
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
    assert "公民身份号码校验位错误" in _error_block(response.text)
    controls = _Controls(response.text)
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
    assert message in _error_block(response.text)
    assert client.get("/_sim/records").json() == []


def test_applicant_under_80_is_refused(client: TestClient, form: dict[str, str]) -> None:
    young = {"id_number": "320206195001010023", "birth_date": "1950-01-01"}
    response = client.post("/elderly", data=form | young)
    assert "未满80周岁" in _error_block(response.text)


def test_empty_form_reports_every_missing_field(client: TestClient) -> None:
    response = client.post("/elderly", data={"business_type": "高龄津贴"})
    errors = _error_block(response.text)
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
    other = {"id_number": OTHER_ID, "birth_date": "1936-07-08", "allowance_type": "90-99"}
    assert "提交成功" in client.post("/elderly", data=form | other).text
    client.post("/elderly", data=form)
    rows = _table_rows(client.get("/elderly/search", params={"id_number": RARE_NAME_ID}).text)
    assert rows[1] == ["受理编号", "姓名", "业务类型", "状态", "提交时间"]
    assert [row[0] for row in rows[2:]] == ["MZGL20261125000001", "MZGL20261125000003"]
    assert rows[2][1:] == [RARE_NAME, "高龄津贴", "已受理", "2026-11-25 09:30:00"]


def test_search_without_matches_says_so(client: TestClient) -> None:
    page = client.get("/elderly/search", params={"id_number": RARE_NAME_ID}).text
    assert '<td colspan="5">未查询到记录</td>' in page
    assert _Controls(page).labelled("公民身份号码")["value"] == RARE_NAME_ID


def test_records_page_lists_newest_first(
    client: TestClient, form: dict[str, str], clock: Clock, set_clock: Callable[[datetime], None]
) -> None:
    client.post("/elderly", data=form)
    set_clock(clock().replace(hour=10))
    client.post("/elderly", data=form | {"name": "张桂兰"})
    rows = _table_rows(client.get("/records").text)
    assert [row[2] for row in rows[1:]] == ["张桂兰", RARE_NAME]


def test_markup_in_values_is_escaped(client: TestClient, form: dict[str, str]) -> None:
    client.post("/elderly", data=form | {"address": "<b>惠山区</b>"})
    page = client.get("/records").text
    assert "&lt;b&gt;惠山区&lt;/b&gt;" in page
    assert "<b>惠山区</b>" not in page


def test_health_needs_no_login(anonymous: TestClient) -> None:
    assert anonymous.get("/_sim/health").json() == {"ok": True}
