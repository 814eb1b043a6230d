"""The simulated 残疾人两项补贴管理系统 over HTTP: GBK on the wire both ways, its log-in and idle
timeout, its checks, the region look-up behind the cascading selects, search and 审核."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from fastapi.testclient import TestClient

from simulators._conditions import Conditions
from simulators.disability import create_app

USER, PASSWORD = "yuqi-wanghong", "Wanghong-2026!"
# Region 320206, born 1942-03-15, sequence 124 (even: female), check character X.
ID_NUMBER = "32020619420315124X"
# What Chromium posts from a GBK form for 𠮷祥英: 𠮷 is outside GBK.
RARE_NAME_AS_POSTED = "&#134071;祥英"
FORM_TYPE = {"content-type": "application/x-www-form-urlencoded"}
Clock = Callable[[], datetime]


@pytest.fixture
def make_client(tmp_path: Path, clock: Clock) -> Callable[..., TestClient]:
    def make(conditions: Conditions | None = None) -> TestClient:
        app = create_app(
            db_path=tmp_path / "disability.db",
            accounts={USER: PASSWORD},
            clock=clock,
            conditions=conditions,
        )
        return TestClient(app, follow_redirects=False)

    return make


@pytest.fixture
def anonymous(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


def _log_in(client: TestClient) -> TestClient:
    answer = _post(client, "/login.do", {"username": USER, "password": PASSWORD})
    assert (answer.status_code, answer.headers["location"]) == (302, "/main.do")
    return client


@pytest.fixture
def client(anonymous: TestClient) -> TestClient:
    return _log_in(anonymous)


@pytest.fixture
def form() -> dict[str, str | list[str]]:
    """A woman with 一级 肢体残疾 applying for both subsidies, as her browser posts it."""
    return {
        "xm": RARE_NAME_AS_POSTED,
        "sfzh": ID_NUMBER,
        "xb": "2",
        "cjzh": f"{ID_NUMBER}41",
        "cjlb": "4",
        "cjdj": "1",
        "btlx": ["1", "2"],
        "shi": "320200",
        "xian": "320206",
        "xiang": "320206104",
        "xxdz": "惠山区玉祁街道玉祁社区3幢101室",
        "lxdh": "13901000315",
        "khyh": "江苏银行",
        "yhzh": "6228480012345678901",
        "sqrq": "2026-11-25",
    }


def _post(client: TestClient, path: str, fields: dict[str, str | list[str]]) -> httpx.Response:
    # What a browser sends from a page whose form says accept-charset="GBK".
    return client.post(
        path, content=urlencode(fields, doseq=True, encoding="gbk"), headers=FORM_TYPE
    )


def _page(response: httpx.Response) -> str:
    assert response.headers["content-type"] == "text/html; charset=GBK"
    return response.content.decode("gbk")


def _errors(html: str) -> list[str]:
    block = re.search(r"保存失败，请修改以下内容：</b><br>(.*?)</font>", html, re.S)
    assert block, "no error list on the page"
    return [
        re.sub(r"^[0-9]+、", "", line.strip())
        for line in block.group(1).split("<br>")
        if line.strip()
    ]


def _receipt(html: str) -> str:
    match = re.search(r"受理编号：</td><td><font color=\"red\"><b>([^<]+)</b>", html)
    assert match, "no receipt number on the page"
    return match.group(1)


def _records(client: TestClient) -> list[dict[str, object]]:
    records: list[dict[str, object]] = client.get("/_sim/records").json()
    return records


def test_pages_are_gbk_bytes_declared_as_gbk(anonymous: TestClient) -> None:
    response = anonymous.get("/login.do")

    assert response.headers["content-type"] == "text/html; charset=GBK"
    assert "用户登录".encode("gbk") in response.content
    with pytest.raises(UnicodeDecodeError):
        response.content.decode("utf-8")
    assert '<meta http-equiv="Content-Type" content="text/html; charset=gbk">' in _page(response)


def test_a_gbk_form_post_is_filed_as_the_characters_typed(
    client: TestClient, form: dict[str, str | list[str]]
) -> None:
    page = _page(_post(client, "/subsidy/apply.do", form))

    [record] = _records(client)
    assert record["receipt_no"] == _receipt(page)
    assert record["address"] == "惠山区玉祁街道玉祁社区3幢101室"
    assert record["bank"] == "江苏银行"
    assert (record["subsidy_types"], record["township_code"]) == ("1,2", "320206104")
    assert (record["business_type"], record["submitted_by"]) == ("残疾人两项补贴", USER)


def test_receipts_are_cjbt_the_day_and_a_daily_sequence(
    client: TestClient, form: dict[str, str | list[str]]
) -> None:
    first = _receipt(_page(_post(client, "/subsidy/apply.do", form)))
    second = _receipt(_page(_post(client, "/subsidy/apply.do", form)))  # never de-duplicated

    assert (first, second) == ("CJBT20261125000001", "CJBT20261125000002")


def test_a_name_outside_gbk_is_kept_as_its_reference_and_shown_as_the_character(
    client: TestClient, form: dict[str, str | list[str]]
) -> None:
    done = _post(client, "/subsidy/apply.do", form)
    search = client.get("/subsidy/query.do", params={"sfzh": ID_NUMBER})

    [record] = _records(client)
    assert record["name"] == RARE_NAME_AS_POSTED
    for response in (done, search):
        # Sent as the reference itself, which the browser shows as 𠮷; never as &amp;#134071;.
        assert "&#134071;祥英".encode("gbk") in response.content
        assert b"&amp;#134071;" not in response.content


def test_markup_in_a_name_is_escaped_even_though_references_pass(
    client: TestClient, form: dict[str, str | list[str]]
) -> None:
    _post(client, "/subsidy/apply.do", form | {"xm": "<b>王</b>&#20029;"})

    html = _page(client.get("/subsidy/query.do", params={"sfzh": ID_NUMBER}))

    assert "&lt;b&gt;王&lt;/b&gt;&#20029;" in html
    assert "<b>王</b>" not in html


def test_the_login_page_has_no_labels_and_a_spaced_button(anonymous: TestClient) -> None:
    html = _page(anonymous.get("/login.do"))

    assert "用户名：</td>" in html and "密　码：</td>" in html
    assert "<label" not in html
    assert 'type="submit" name="btnLogin" value="登 录"' in html


def test_wrong_password_says_so_on_the_page_and_opens_no_session(anonymous: TestClient) -> None:
    answer = _post(anonymous, "/login.do", {"username": USER, "password": "wrong"})

    assert answer.status_code == 200
    assert '<font color="red">用户名或密码错误</font>' in _page(answer)
    assert "set-cookie" not in answer.headers
    assert anonymous.get("/main.do").headers["location"] == "/login.do"


@pytest.mark.parametrize(
    "path", ["/", "/main.do", "/subsidy/apply.do", "/subsidy/query.do", "/records"]
)
def test_pages_send_a_browser_without_a_session_to_log_in(anonymous: TestClient, path: str) -> None:
    answer = anonymous.get(path)
    while answer.headers.get("location") == "/main.do":  # / leads to the menu first
        answer = anonymous.get("/main.do")

    assert (answer.status_code, answer.headers["location"]) == (302, "/login.do")


def test_a_post_after_the_idle_timeout_files_nothing_and_asks_to_log_in_again(
    client: TestClient,
    form: dict[str, str | list[str]],
    clock: Clock,
    set_clock: Callable[[datetime], None],
) -> None:
    client.get("/subsidy/apply.do")
    set_clock(clock() + timedelta(seconds=121))

    answer = _post(client, "/subsidy/apply.do", form)

    assert (answer.status_code, answer.headers["location"]) == (302, "/login.do?msg=timeout")
    assert '<font color="red">会话已超时，请重新登录</font>' in _page(
        client.get("/login.do?msg=timeout")
    )
    assert _records(client) == []
    # The session is gone for good: coming back within the minute does not revive it.
    assert client.get("/main.do").headers["location"] == "/login.do"


def test_every_page_keeps_the_session_alive(
    client: TestClient,
    form: dict[str, str | list[str]],
    clock: Clock,
    set_clock: Callable[[datetime], None],
) -> None:
    start = clock()
    set_clock(start + timedelta(seconds=100))
    assert client.get("/subsidy/apply.do").status_code == 200
    set_clock(start + timedelta(seconds=200))

    assert _receipt(_page(_post(client, "/subsidy/apply.do", form)))


def test_conditions_set_the_idle_timeout_also_while_running(
    make_client: Callable[..., TestClient], clock: Clock, set_clock: Callable[[datetime], None]
) -> None:
    client = _log_in(make_client(Conditions(session_timeout_s=10)))
    set_clock(clock() + timedelta(seconds=11))
    assert client.get("/main.do").headers["location"] == "/login.do?msg=timeout"

    _log_in(client)
    client.put("/_sim/conditions", json={"session_timeout_s": 600})
    set_clock(clock() + timedelta(seconds=300))
    assert client.get("/main.do").status_code == 200


def _json(response: httpx.Response) -> list[dict[str, str]]:
    assert response.headers["content-type"] == "application/json; charset=GBK"
    items: list[dict[str, str]] = json.loads(response.content.decode("gbk"))
    return items


def test_the_region_lookup_lists_children_in_gbk_json(anonymous: TestClient) -> None:
    counties = _json(anonymous.get("/region/children", params={"code": "320200"}))
    townships = _json(anonymous.get("/region/children", params={"code": "320206"}))

    assert {"code": "320206", "name": "惠山区"} in counties
    assert {"code": "320206104", "name": "玉祁街道"} in townships
    assert {"code": "320206100", "name": "洛社镇"} in townships
    assert _json(anonymous.get("/region/children", params={"code": "320206104"})) == []


def test_a_system_that_is_down_answers_503_but_its_test_hooks_still_work(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(Conditions(down=True))

    answer = client.get("/login.do")

    assert answer.status_code == 503
    assert "系统维护中" in answer.text
    assert client.get("/_sim/health").json() == {"ok": True}
