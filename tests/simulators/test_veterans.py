"""全国退役军人信息管理系统 over HTTP: log-in with an image CAPTCHA, the frame set, 信息查询,
已采集记录, 审核 and conditions. The wizard itself is in test_veterans_wizard.py."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from simulators._conditions import MAINTENANCE, Conditions
from simulators.veterans import create_app
from tests.simulators._pages import Controls, error_block, table_rows
from tests.simulators.test_veterans_wizard import walk_wizard

# worker-a's own account at the system, as the demo gives her.
USER, PASSWORD = "yuqi-wanghong", "Wanghong-2026!"
# Born 1968-04-12, sequence 027 (odd: male), check character X.
VETERAN_ID = "32020619680412027X"
# Born 1965-07-20, sequence 033 (male).
OTHER_ID = "320206196507200337"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
Clock = Callable[[], datetime]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "veterans.db"


@pytest.fixture
def anonymous(db_path: Path, clock: Clock) -> TestClient:
    app = create_app(db_path=db_path, accounts={USER: PASSWORD}, clock=clock)
    return TestClient(app, follow_redirects=False)


def _answer(client: TestClient) -> str:
    """What the person reads off the image the log-in page is showing."""
    token = client.cookies.get("TYJR_LOGIN")
    answer: str = client.get("/_sim/captcha-answer", params={"login": token}).json()["answer"]
    return answer


def _log_in(client: TestClient) -> None:
    client.get("/login")
    answer = client.post(
        "/login", data={"username": USER, "password": PASSWORD, "captcha": _answer(client)}
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/")


def _image_url(html: str) -> str:
    image = re.search(r'<img src="([^"]+)" alt="验证码"', html)
    assert image, "no CAPTCHA image on the page"
    return image.group(1)


@pytest.fixture
def client(anonymous: TestClient) -> TestClient:
    _log_in(anonymous)
    return anonymous


def test_the_login_page_shows_a_captcha_image_tied_to_this_log_in(anonymous: TestClient) -> None:
    page = anonymous.get("/login")

    controls = Controls(page.text)
    assert controls.labelled("验证码")["name"] == "captcha"
    png = anonymous.get(_image_url(page.text))
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(PNG_SIGNATURE)
    # Another browser, with no log-in under way, gets no image.
    assert TestClient(anonymous.app).get(_image_url(page.text)).status_code == 404


def test_the_right_code_and_password_open_the_frame_set(anonymous: TestClient) -> None:
    _log_in(anonymous)

    home = anonymous.get("/")
    assert home.status_code == 200
    assert '<iframe name="main"' in home.text
    assert 'href="/collect/new" target="main">退役军人信息采集</a>' in home.text
    assert 'href="/collect/search" target="main">信息查询</a>' in home.text
    assert re.search(r'<span id="current-user">yuqi-wanghong</span>', home.text)


@pytest.mark.parametrize("captcha", ["", "ZZZZ"], ids=["missing", "wrong"])
def test_a_missing_or_wrong_code_is_refused_with_a_new_image(
    anonymous: TestClient, captcha: str
) -> None:
    first_page = anonymous.get("/login")
    first_login = anonymous.cookies["TYJR_LOGIN"]

    refused = anonymous.post(
        "/login", data={"username": USER, "password": PASSWORD, "captcha": captcha}
    )

    assert refused.status_code == 200
    assert error_block(refused.text) == "验证码错误"
    assert Controls(refused.text).labelled("用户名")["value"] == USER
    assert "TYJR_SESSION" not in anonymous.cookies
    assert anonymous.get("/").status_code == 303
    # A new code under a new image URL; the one shown before is used up.
    assert _image_url(refused.text) != _image_url(first_page.text)
    assert anonymous.cookies["TYJR_LOGIN"] != first_login
    assert anonymous.get("/_sim/captcha-answer", params={"login": first_login}).status_code == 404
    assert anonymous.get(_image_url(refused.text)).content.startswith(PNG_SIGNATURE)


def test_a_code_is_good_for_one_attempt_only(anonymous: TestClient) -> None:
    anonymous.get("/login")
    first_login, code = anonymous.cookies["TYJR_LOGIN"], _answer(anonymous)
    wrong = anonymous.post("/login", data={"username": USER, "password": "x", "captcha": code})
    assert error_block(wrong.text) == "用户名或密码错误"  # the code was right, the password not

    # Trying the same solved code again, password now right, from the same log-in.
    anonymous.cookies.set("TYJR_LOGIN", first_login)
    reused = anonymous.post(
        "/login", data={"username": USER, "password": PASSWORD, "captcha": code}
    )

    assert reused.status_code == 200
    assert error_block(reused.text) == "验证码错误"


def test_the_code_is_not_case_sensitive(anonymous: TestClient) -> None:
    anonymous.get("/login")

    answer = anonymous.post(
        "/login",
        data={"username": USER, "password": PASSWORD, "captcha": f" {_answer(anonymous).lower()} "},
    )

    assert answer.status_code == 303


def test_without_the_captcha_switch_the_form_has_no_code(db_path: Path, clock: Clock) -> None:
    app = create_app(db_path=db_path, accounts={USER: PASSWORD}, captcha=False, clock=clock)
    client = TestClient(app, follow_redirects=False)

    page = client.get("/login")
    answer = client.post("/login", data={"username": USER, "password": PASSWORD})

    assert "验证码" not in page.text and "TYJR_LOGIN" not in page.cookies
    assert answer.status_code == 303
    assert client.get("/_sim/captcha-answer").status_code == 404
    assert client.get("/login/captcha.png").status_code == 404


@pytest.mark.parametrize(
    "path", ["/", "/welcome", "/collect/new", "/collect/step/1", "/collect/search", "/records"]
)
def test_every_page_needs_a_session(anonymous: TestClient, path: str) -> None:
    answer = anonymous.get(path)

    assert (answer.status_code, answer.headers["location"]) == (303, "/login")


def test_a_session_idle_past_the_conditions_timeout_must_log_in_again(
    anonymous: TestClient,
) -> None:
    _log_in(anonymous)
    anonymous.put("/_sim/conditions", json={"session_timeout_s": 0.000001})

    answer = anonymous.get("/collect/search")

    assert (answer.status_code, answer.headers["location"]) == (303, "/login?expired=1")
    assert error_block(anonymous.get("/login?expired=1").text) == "会话已过期，请重新登录"
    assert anonymous.get("/").headers["location"] == "/login"  # that session is gone


def test_log_out_ends_the_session(client: TestClient) -> None:
    assert client.get("/logout").headers["location"] == "/login"

    assert client.get("/").status_code == 303


def _file(client: TestClient, id_number: str = VETERAN_ID) -> str:
    birth = f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}"
    return walk_wizard(client, {"id_number": id_number, "birth_date": birth})


def test_search_lists_the_persons_records_with_number_and_status(client: TestClient) -> None:
    first = _file(client)
    _file(client, OTHER_ID)
    second = _file(client)  # never de-duplicated, like the real system

    page = client.get("/collect/search", params={"id_number": VETERAN_ID})

    header, *rows = table_rows(page.text, "search-results")
    assert header == ["采集编号", "姓名", "业务类型", "状态", "采集时间", "审核意见", "审核日期"]
    assert [row[0] for row in rows] == [first, second]
    assert all(row[2:4] == ["退役军人信息采集", "已受理"] for row in rows)
    assert "<caption>查询结果</caption>" in page.text
    none = client.get("/collect/search", params={"id_number": "320206197503150226"})
    assert table_rows(none.text, "search-results")[1] == ["未查询到记录"]


def test_records_page_and_hook_show_everything_received(client: TestClient) -> None:
    first, second = _file(client), _file(client, OTHER_ID)

    page = client.get("/records")
    stored = client.get("/_sim/records").json()

    assert [row[0] for row in table_rows(page.text, "records")[1:]] == [second, first]
    assert [record["receipt_no"] for record in stored] == [first, second]
    assert stored[0]["submitted_by"] == USER
    assert "汉族" in page.text and "批准" in page.text


def test_a_reviewer_passes_a_record_without_any_amount(client: TestClient) -> None:
    receipt = _file(client)

    decided = client.post(f"/_sim/applications/{receipt}/decision", json={"result": "approved"})

    assert decided.status_code == 200
    body = decided.json()
    assert (body["status"], body["decided_on"]) == ("审核通过", "2026-11-25")
    assert (body["monthly_amount"], body["start_month"]) == (None, None)
    again = client.post(
        f"/_sim/applications/{receipt}/decision", json={"result": "rejected", "reason": "重复"}
    )
    assert again.status_code == 409
    row = table_rows(client.get(f"/collect/search?id_number={VETERAN_ID}").text)[-1]
    assert row[3] == "审核通过" and row[-1] == "2026-11-25"


def test_a_refusal_needs_a_reason_and_shows_it_in_search(client: TestClient) -> None:
    receipt = _file(client)
    url = f"/_sim/applications/{receipt}/decision"

    assert client.post(url, json={"result": "rejected"}).status_code == 422
    refused = client.post(url, json={"result": "rejected", "reason": "服役信息与档案不符"})

    assert refused.json()["status"] == "审核不通过"
    row = table_rows(client.get(f"/collect/search?id_number={VETERAN_ID}").text)[-1]
    assert (row[3], row[5]) == ("审核不通过", "服役信息与档案不符")
    unknown = "/_sim/applications/TYJR20261125999999/decision"
    assert client.post(unknown, json={"result": "approved"}).status_code == 404


def test_the_records_page_buttons_decide_too(client: TestClient) -> None:
    receipt = _file(client)

    answer = client.post(f"/_sim/applications/{receipt}/decision", data={"result": "approved"})

    assert (answer.status_code, answer.headers["location"]) == (303, "/records")
    assert client.get("/_sim/records").json()[0]["status"] == "审核通过"


def test_down_answers_an_html_503_but_the_hooks_still_answer(db_path: Path, clock: Clock) -> None:
    app = create_app(
        db_path=db_path, accounts={USER: PASSWORD}, clock=clock, conditions=Conditions(down=True)
    )
    client = TestClient(app, follow_redirects=False)

    page = client.get("/login")

    assert page.status_code == 503
    assert page.headers["content-type"].startswith("text/html") and MAINTENANCE in page.text
    assert client.get("/_sim/records").json() == []
    client.put("/_sim/conditions", json={"down": False})
    assert client.get("/login").status_code == 200
