"""The simulated 社会救助 system: pages behind Keycloak, robots with bearer tokens, 低保 filing.

Tokens are signed by a local key and checked against it in memory; the log-in through Keycloak
itself is in test_social_assistance_sso.py, a robot in real Chromium in
test_social_assistance_browser.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from simulators import create_social_assistance_app
from simulators.social_assistance._policy import monthly_amount
from tests._tokens import TokenMint
from tests.simulators._pages import Controls, error_block, table_rows

ISSUER = "http://127.0.0.1:8080/realms/community"
CLIENT_ID = "social-assistance"
PUBLIC_URL = "http://127.0.0.1:8103"
# worker-a, as the realm names her.
USER, NAME = "worker-a", "王 丽"
# Region 320206, born 1968-04-12, sequence 027 (odd: male), check character X.
ID_NUMBER = "32020619680412027X"
SEARCH_COLUMNS = ["受理编号", "申请人姓名", "业务类型", "状态", "提交时间"]
SEARCH_COLUMNS += ["核定金额（元/月）", "审核意见", "审核日期"]
ABOVE_STANDARD = "家庭月人均收入高于本地低保标准（1165元），不符合申请条件"
Clock = Callable[[], datetime]


@pytest.fixture
def mint() -> TokenMint:
    return TokenMint(issuer=ISSUER, audience=CLIENT_ID)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "social_assistance.db"


@pytest.fixture
def app(db_path: Path, clock: Clock, mint: TokenMint) -> FastAPI:
    return create_social_assistance_app(
        db_path=db_path,
        issuer=ISSUER,
        client_id=CLIENT_ID,
        client_secret="test-secret",
        public_url=PUBLIC_URL,
        clock=clock,
        jwks_client=mint.jwks_client,
    )


@pytest.fixture
def anonymous(app: FastAPI) -> TestClient:
    return TestClient(app, follow_redirects=False)


@pytest.fixture
def robot(app: FastAPI, mint: TokenMint) -> TestClient:
    """worker-a's robot: an exchanged token, issued for this system's audience."""
    return TestClient(app, follow_redirects=False, headers=_bearer(mint))


def _bearer(mint: TokenMint, **claims: object) -> dict[str, str]:
    token = mint.token(USER, roles=["worker"], claims={"name": NAME, **claims})
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def form() -> dict[str, str]:
    """A family of three living on 500.50 yuan a head, applying on the day the clock shows."""
    return {
        "name": "陈建国",
        "id_number": ID_NUMBER,
        "sex": "1",
        "household_size": "3",
        "monthly_income": "500.50",
        "address": "江苏省无锡市惠山区堰桥街道锡澄路88号",
        "community": "堰桥街道锡澄社区",
        "application_reason": "本人患病失去劳动能力，配偶无固定收入，子女在读。",
        "phone": "13812345678",
        "applied_on": "2026-11-25",
    }


def _receipt(html: str) -> str:
    match = re.search(r'受理编号：<span id="receipt-no">([^<]+)</span>', html)
    assert match, "no receipt number on the page"
    return match.group(1)


def _file(client: TestClient, form: dict[str, str]) -> str:
    return _receipt(client.post("/dibao", data=form).text)


def _search(client: TestClient, id_number: str = ID_NUMBER) -> list[list[str]]:
    """The #search-results rows: the header, then one row per record."""
    page = client.get("/dibao/search", params={"id_number": id_number}).text
    return table_rows(page, "search-results")


def _current_user(html: str) -> str:
    match = re.search(r'<span id="current-user">([^<]*)</span>', html)
    assert match, "no #current-user on the page"
    return match.group(1)


# --- people without a session go to Keycloak ---


@pytest.mark.parametrize("path", ["/", "/dibao/new", "/dibao/search?id_number=1", "/records"])
def test_pages_send_a_person_without_a_session_to_keycloak_with_pkce(
    anonymous: TestClient, path: str
) -> None:
    response = anonymous.get(path)
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        f"{ISSUER}/protocol/openid-connect/auth"
    )
    query = parse_qs(location.query)
    assert query.pop("state")[0]
    challenge = query.pop("code_challenge")[0]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", challenge)  # base64url of SHA-256, unpadded
    assert query == {
        "response_type": ["code"],
        "client_id": [CLIENT_ID],
        "redirect_uri": [f"{PUBLIC_URL}/sso/callback"],
        "scope": ["openid"],
        "code_challenge_method": ["S256"],
    }


def test_every_redirect_gets_its_own_state_and_challenge(anonymous: TestClient) -> None:
    first, second = (urlsplit(anonymous.get("/").headers["location"]) for _ in range(2))
    first_query, second_query = parse_qs(first.query), parse_qs(second.query)
    assert first_query["state"] != second_query["state"]
    assert first_query["code_challenge"] != second_query["code_challenge"]


def test_posting_an_application_without_a_session_files_nothing(
    anonymous: TestClient, form: dict[str, str]
) -> None:
    response = anonymous.post("/dibao", data=form)
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"{ISSUER}/protocol/openid-connect/auth?")
    assert anonymous.get("/_sim/records").json() == []


def test_test_hooks_need_no_login(anonymous: TestClient) -> None:
    assert anonymous.get("/_sim/health").json() == {"ok": True}
    assert anonymous.get("/_sim/records").json() == []


# --- robots come in with a bearer token ---


def test_a_bearer_token_for_this_system_is_served_as_its_user_without_a_session(
    robot: TestClient,
) -> None:
    response = robot.get("/")
    assert response.status_code == 200
    assert _current_user(response.text) == f"{NAME}（{USER}）"
    assert "set-cookie" not in response.headers
    for text, href in [
        ("低保申请录入", "/dibao/new"),
        ("申请查询", "/dibao/search"),
        ("已受理记录", "/records"),
    ]:
        # Exactly once: a robot's get_by_role("link", name=...) must find a single element.
        assert response.text.count(f'<a href="{href}">{text}</a>') == 1
    assert '<form id="logout-form" class="inline" method="post" action="/logout">' in response.text
    assert ">退出</a>" in response.text


def _forged() -> str:
    """Right claims, same key id, signed by a key that is not the realm's."""
    return TokenMint(issuer=ISSUER, audience=CLIENT_ID).token(USER, roles=["worker"])


@pytest.mark.parametrize(
    "authorization",
    [
        # A log-in token of our client, not exchanged for us: azp is not enough for a bearer.
        lambda mint: _bearer(mint, aud="account", azp=CLIENT_ID),
        lambda mint: _bearer(mint, aud=["account", "community-hub"]),
        lambda mint: _bearer(mint, exp=1_700_000_000),
        lambda mint: {"Authorization": f"Bearer {_forged()}"},
        lambda mint: _bearer(mint, iss="http://127.0.0.1:8080/realms/other"),
        lambda mint: _bearer(mint, typ="ID"),
        lambda mint: _bearer(mint, preferred_username=None),
        lambda mint: {"Authorization": "Bearer not.a.token"},
        lambda mint: {"Authorization": "Basic d29ya2VyLWE6c2VjcmV0"},
    ],
    ids=[
        "only-azp",
        "other-audience",
        "expired",
        "forged-signature",
        "other-issuer",
        "id-token",
        "no-username",
        "garbage",
        "not-bearer",
    ],
)
def test_untrustworthy_bearer_tokens_get_401(
    app: FastAPI,
    mint: TokenMint,
    form: dict[str, str],
    authorization: Callable[[TokenMint], dict[str, str]],
) -> None:
    client = TestClient(app, follow_redirects=False, headers=authorization(mint))
    for response in (client.get("/dibao/new"), client.post("/dibao", data=form)):
        assert response.status_code == 401
        assert "令牌无效或已过期" in error_block(response.text)
        assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert client.get("/_sim/records").json() == []


def test_robot_files_an_application_as_the_worker(robot: TestClient, form: dict[str, str]) -> None:
    response = robot.post("/dibao", data=form)
    assert response.status_code == 200
    assert "提交成功" in response.text
    assert _receipt(response.text) == "SHJZ20261125000001"
    assert 'window.alert("提交成功，受理编号：" + "SHJZ20261125000001");' in response.text
    [record] = robot.get("/_sim/records").json()
    assert record == form | {
        "receipt_no": "SHJZ20261125000001",
        "status": "已受理",
        "received_at": "2026-11-25T09:30:00+08:00",
        "submitted_by": USER,
        "business_type": "最低生活保障",
        "monthly_amount": None,
        "start_month": None,
        "decided_on": None,
        "decision_reason": None,
    }


def test_same_application_sent_twice_is_filed_twice_and_numbered_by_day(
    robot: TestClient, form: dict[str, str], clock: Clock, set_clock: Callable[[datetime], None]
) -> None:
    assert [_file(robot, form), _file(robot, form)] == [
        "SHJZ20261125000001",
        "SHJZ20261125000002",
    ]
    set_clock(clock().replace(day=26))
    assert _file(robot, form) == "SHJZ20261126000001"


def test_records_survive_a_restart(
    robot: TestClient, form: dict[str, str], db_path: Path, clock: Clock, mint: TokenMint
) -> None:
    _file(robot, form)
    restarted = create_social_assistance_app(
        db_path=db_path,
        issuer=ISSUER,
        client_id=CLIENT_ID,
        client_secret="test-secret",
        public_url=PUBLIC_URL,
        clock=clock,
        jwks_client=mint.jwks_client,
    )
    [record] = TestClient(restarted).get("/_sim/records").json()
    assert record["submitted_by"] == USER


# --- the form ---


def test_entry_form_labels_name_the_expected_fields(robot: TestClient) -> None:
    page = robot.get("/dibao/new").text
    controls = Controls(page)
    expected = {
        "申请人姓名": "name",
        "公民身份号码": "id_number",
        "性别": "sex",
        "家庭人口": "household_size",
        "家庭月人均收入（元）": "monthly_income",
        "户籍地址": "address",
        "所属社区": "community",
        "申请原因": "application_reason",
        "联系电话": "phone",
        "申请日期": "applied_on",
    }
    assert {label: controls.labelled(label)["name"] for label in expected} == expected
    assert controls.options["sex"] == [("", "--请选择--"), ("1", "男"), ("2", "女")]
    household = controls.labelled("家庭人口")
    assert (household["type"], household["min"], household["max"]) == ("number", "1", "20")
    assert controls.labelled("申请原因")["tag"] == "textarea"
    assert _current_user(page) == f"{NAME}（{USER}）"
    assert '<button type="submit">提交申请</button>' in page
    assert 'return window.confirm("确认提交该低保申请？");' in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"monthly_income": "1165.01"}, "monthly_income", ABOVE_STANDARD),
        ({"monthly_income": "-1"}, "monthly_income", "家庭月人均收入应为不小于0的金额"),
        ({"monthly_income": "12.345"}, "monthly_income", "家庭月人均收入应为不小于0的金额"),
        ({"id_number": "320206196804120273"}, "id_number", "公民身份号码校验位错误"),
        ({"id_number": "32020619680412027"}, "id_number", "公民身份号码应为18位"),
        ({"sex": "2"}, "sex", "性别与公民身份号码不一致"),
        ({"household_size": "0"}, "household_size", "家庭人口应为1至20的整数"),
        ({"household_size": "21"}, "household_size", "家庭人口应为1至20的整数"),
        ({"household_size": "2.5"}, "household_size", "家庭人口应为1至20的整数"),
        ({"phone": "2381234567"}, "phone", "联系电话应为以1开头的11位数字"),
        ({"applied_on": "2026/11/25"}, "applied_on", "申请日期格式应为YYYY-MM-DD"),
        ({"application_reason": "困" * 501}, "application_reason", "申请原因不能超过500个字"),
    ],
)
def test_invalid_values_are_refused_with_the_reason_and_the_values_kept(
    robot: TestClient, form: dict[str, str], change: dict[str, str], field: str, message: str
) -> None:
    response = robot.post("/dibao", data=form | change)
    assert response.status_code == 200
    assert message in error_block(response.text)
    controls = Controls(response.text)
    assert controls.controls[field]["aria-invalid"] == "true"
    assert controls.labelled("申请人姓名")["value"] == "陈建国"
    assert controls.labelled("申请原因")["value"] == (form | change)["application_reason"]
    assert robot.get("/_sim/records").json() == []


def test_income_at_the_standard_may_apply(robot: TestClient, form: dict[str, str]) -> None:
    assert _file(robot, form | {"monthly_income": "1165"}) == "SHJZ20261125000001"


def test_empty_form_reports_every_missing_field(robot: TestClient) -> None:
    errors = error_block(robot.post("/dibao", data={}).text)
    for message in [
        "请填写申请人姓名",
        "请填写公民身份号码",
        "请选择性别",
        "请填写家庭人口",
        "请填写家庭月人均收入（元）",
        "请填写申请原因",
        "请填写申请日期",
    ]:
        assert message in errors


def test_markup_in_values_is_escaped(robot: TestClient, form: dict[str, str]) -> None:
    _file(robot, form | {"application_reason": "<script>alert(1)</script>"})
    page = robot.get("/records").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page


# --- search, records and 审核 ---


def test_search_lists_the_record_then_the_approved_amount(
    robot: TestClient, form: dict[str, str]
) -> None:
    receipt_no = _file(robot, form)
    rows = _search(robot)
    assert rows[0] == SEARCH_COLUMNS
    assert rows[1] == [receipt_no, "陈建国", "最低生活保障", "已受理", "2026-11-25 09:30:00"] + [
        "",
        "",
        "",
    ]
    decided = robot.post(
        f"/_sim/applications/{receipt_no}/decision", json={"result": "approved"}
    ).json()
    # (1165 - 500.50) x 3 = 1993.50, rounded to the yuan; paid from the next month.
    assert (decided["monthly_amount"], decided["start_month"]) == (1994, "2026-12")
    assert _search(robot)[1][3:] == ["已批准", "2026-11-25 09:30:00", "1994", "", "2026-11-25"]


def test_refusal_from_the_records_page_shows_in_the_search(
    robot: TestClient, form: dict[str, str]
) -> None:
    receipt_no = _file(robot, form)
    page = robot.get("/records").text
    assert ">批准</button>" in page and ">不予批准</button>" in page
    response = robot.post(
        f"/_sim/applications/{receipt_no}/decision",
        data={"result": "rejected", "reason": "家庭财产超过规定"},
    )
    assert (response.status_code, response.headers["location"]) == (303, "/records")
    assert _search(robot)[1][3:] == ["不予批准", "2026-11-25 09:30:00", "", "家庭财产超过规定"] + [
        "2026-11-25"
    ]
    assert ">批准</button>" not in robot.get("/records").text


def test_search_without_matches_says_so(robot: TestClient) -> None:
    page = robot.get("/dibao/search", params={"id_number": ID_NUMBER}).text
    assert '<td colspan="8">未查询到记录</td>' in page
    assert Controls(page).labelled("公民身份号码")["value"] == ID_NUMBER


def test_records_page_lists_newest_first_with_who_filed(
    robot: TestClient, form: dict[str, str], clock: Clock, set_clock: Callable[[datetime], None]
) -> None:
    _file(robot, form)
    set_clock(clock().replace(hour=10))
    _file(robot, form | {"name": "陈小明"})
    rows = table_rows(robot.get("/records").text, "records")[1:]  # after the header
    assert [(row[2], row[13]) for row in rows] == [("陈小明", USER), ("陈建国", USER)]


def test_deciding_an_unknown_receipt_is_not_found(anonymous: TestClient) -> None:
    response = anonymous.post(
        "/_sim/applications/SHJZ20261125999999/decision", json={"result": "approved"}
    )
    assert response.status_code == 404
    assert response.json() == {"code": "NOT_FOUND", "message": "未找到该受理编号"}


@pytest.mark.parametrize(
    ("household_size", "income", "amount"),
    [(3, "500.50", 1994), (1, "0", 1165), (1, "1164.50", 1), (1, "1164.51", 0), (2, "1165", 0)],
)
def test_amount_is_the_gap_to_the_standard_for_every_member(
    household_size: int, income: str, amount: int
) -> None:
    assert monthly_amount(household_size=household_size, income_per_person=Decimal(income)) == (
        amount
    )


def test_keycloak_keys_unreachable_is_503_not_401(
    db_path: Path, clock: Clock, mint: TokenMint
) -> None:
    app = create_social_assistance_app(
        db_path=db_path,
        issuer=ISSUER,
        client_id=CLIENT_ID,
        client_secret="test-secret",
        public_url=PUBLIC_URL,
        clock=clock,
        # Nothing listens on port 1: fetching the keys fails to connect.
        jwks_client=jwt.PyJWKClient("http://127.0.0.1:1/certs", timeout=2),
    )
    response = TestClient(app, headers=_bearer(mint)).get("/")
    assert response.status_code == 503
    assert "统一身份认证服务暂时无法访问" in error_block(response.text)
