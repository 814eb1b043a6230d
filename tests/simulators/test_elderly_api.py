import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from simulators import create_elderly_api_app
from tests.simulators._json_api import file_accepted
from tests.simulators._json_api import sim_decide as _decide
from tests.simulators._json_api import sim_records as _records

API_KEY = "dev-elderly-api-key"
URL = "/api/v1/allowance-applications"
# 𠮷 (U+20BB7) lies outside the Basic Multilingual Plane: four bytes in UTF-8, a surrogate pair
# in UTF-16 (and in JSON's \u escapes), so it is the name most likely to be mangled on the way.
RARE_NAME = "𠮷祥英"
# Region 320206, born 1942-03-15, sequence 124 (even: female), check character X.
RARE_NAME_ID = "32020619420315124X"
# Born 1936-07-08 (90 on the clock's day), sequence 002 (female), check character 5.
NINETY = {"id_number": "320206193607080025", "birth_date": "1936-07-08", "allowance_type": "90-99"}
# Born 1925-05-20 (101), sequence 003 (odd: male), check character 6.
HUNDRED = {
    "id_number": "320206192505200036",
    "sex": "1",
    "birth_date": "1925-05-20",
    "allowance_type": "100+",
}
NOT_FOUND = {"code": "NOT_FOUND", "message": "未找到该受理编号"}
REASON_REQUIRED = {"code": "INVALID", "message": "不予批准须填写理由", "field": "reason"}
Clock = Callable[[], datetime]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "elderly_api.db"


@pytest.fixture
def client(db_path: Path, clock: Clock) -> TestClient:
    app = create_elderly_api_app(db_path=db_path, api_keys={API_KEY}, clock=clock)
    return TestClient(app, headers={"X-API-Key": API_KEY})


@pytest.fixture
def body() -> dict[str, str]:
    """An 84-year-old woman applying on the day the clock shows."""
    return {
        "id_number": RARE_NAME_ID,
        "name": RARE_NAME,
        "sex": "2",
        "birth_date": "1942-03-15",
        "phone": "13812345678",
        "address": "江苏省无锡市惠山区堰桥街道锡澄路88号",
        "community_code": "320206001003",
        "allowance_type": "80-89",
        "applied_on": "2026-11-25",
    }


def _file(client: TestClient, body: dict[str, str]) -> str:
    return file_accepted(client, URL, body)


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "not-a-key"}, {"X-API-Key": ""}])
def test_submitting_without_a_known_api_key_is_unauthorized(
    client: TestClient, body: dict[str, str], headers: dict[str, str]
) -> None:
    client.headers.pop("X-API-Key")
    response = client.post(URL, json=body, headers=headers)
    assert response.status_code == 401
    assert response.json() == {"code": "UNAUTHORIZED", "message": "API密钥无效"}
    assert _records(client) == []


def test_valid_application_is_accepted_with_a_receipt(
    client: TestClient, body: dict[str, str]
) -> None:
    response = client.post(URL, json=body)
    assert response.status_code == 201
    assert response.json() == {
        "receipt_no": "YL20261125000001",
        "status": "已受理",
        "received_at": "2026-11-25T09:30:00+08:00",
    }


def test_rare_character_name_is_stored_intact(client: TestClient, body: dict[str, str]) -> None:
    client.post(URL, json=body)
    [record] = _records(client)
    assert record == body | {
        "receipt_no": "YL20261125000001",
        "status": "已受理",
        "received_at": "2026-11-25T09:30:00+08:00",
        "idempotency_key": None,
        "monthly_amount": None,
        "start_month": None,
        "decided_on": None,
        "decision_reason": None,
        "amendments": 0,
        "amended_at": None,
    }
    assert len(record["name"]) == 3  # one code point for 𠮷, not a surrogate pair
    assert RARE_NAME in client.get("/records").text


def test_records_survive_a_restart(
    client: TestClient, body: dict[str, str], db_path: Path, clock: Clock
) -> None:
    client.post(URL, json=body)
    restarted = TestClient(create_elderly_api_app(db_path=db_path, api_keys=set(), clock=clock))
    assert [record["name"] for record in _records(restarted)] == [RARE_NAME]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"id_number": "320206194203151241"}, "id_number", "公民身份号码校验位错误"),
        ({"birth_date": "1942-03-16"}, "birth_date", "出生日期与公民身份号码不一致"),
        ({"community_code": "3202060010"}, "community_code", "社区代码应为12位数字"),
        ({"allowance_type": "100+"}, "allowance_type", "津贴类别与申请人年龄不符（申请日84周岁）"),
        ({"phone": 13812345678}, "phone", "联系电话应为字符串"),
        ({"name": "  "}, "name", "缺少必填字段：姓名"),
    ],
)
def test_invalid_application_is_refused_naming_the_field(
    client: TestClient, body: dict[str, str], change: dict[str, Any], field: str, message: str
) -> None:
    response = client.post(URL, json=body | change)
    assert response.status_code == 422
    assert response.json() == {"code": "INVALID", "message": message, "field": field}
    assert _records(client) == []


@pytest.mark.parametrize("missing", ["id_number", "sex", "community_code", "applied_on"])
def test_missing_field_is_refused(client: TestClient, body: dict[str, str], missing: str) -> None:
    del body[missing]
    response = client.post(URL, json=body)
    assert response.status_code == 422
    assert response.json()["field"] == missing
    assert response.json()["message"].startswith("缺少必填字段")


def test_body_that_is_not_a_json_object_is_refused(client: TestClient) -> None:
    response = client.post(URL, content=b"[1, 2]", headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json() == {"code": "INVALID", "message": "请求体应为JSON对象", "field": None}


def test_without_idempotency_key_every_post_is_filed(
    client: TestClient, body: dict[str, str]
) -> None:
    receipts = [client.post(URL, json=body).json()["receipt_no"] for _ in range(2)]
    assert receipts == ["YL20261125000001", "YL20261125000002"]
    assert len(_records(client)) == 2


def test_resubmitting_with_same_idempotency_key_returns_original_receipt(
    client: TestClient, body: dict[str, str], set_clock: Callable[[datetime], None], clock: Clock
) -> None:
    headers = {"Idempotency-Key": "delivery-42"}
    first = client.post(URL, json=body, headers=headers)
    set_clock(clock().replace(hour=11))
    # The same body with its keys in another order is still the same request.
    again = client.post(URL, json=dict(reversed(body.items())), headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    [record] = _records(client)
    assert record["idempotency_key"] == "delivery-42"


def test_same_idempotency_key_with_a_different_body_conflicts(
    client: TestClient, body: dict[str, str]
) -> None:
    headers = {"Idempotency-Key": "delivery-42"}
    client.post(URL, json=body, headers=headers)
    response = client.post(URL, json=body | {"phone": "13900000000"}, headers=headers)
    assert response.status_code == 409
    assert response.json()["code"] == "IDEMPOTENCY_CONFLICT"
    assert [record["phone"] for record in _records(client)] == ["13812345678"]


def test_refused_request_does_not_use_up_its_idempotency_key(
    client: TestClient, body: dict[str, str]
) -> None:
    headers = {"Idempotency-Key": "delivery-42"}
    assert client.post(URL, json=body | {"phone": "1"}, headers=headers).status_code == 422
    assert client.post(URL, json=body, headers=headers).status_code == 201


def test_different_idempotency_keys_file_separately(
    client: TestClient, body: dict[str, str]
) -> None:
    client.post(URL, json=body, headers={"Idempotency-Key": "a"})
    client.post(URL, json=body, headers={"Idempotency-Key": "b"})
    assert [record["idempotency_key"] for record in _records(client)] == ["a", "b"]


def test_lookup_by_id_number_lists_that_persons_applications(
    client: TestClient, body: dict[str, str]
) -> None:
    client.post(URL, json=body)
    assert client.post(URL, json=body | NINETY).status_code == 201
    response = client.get(URL, params={"id_number": RARE_NAME_ID})
    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "receipt_no": "YL20261125000001",
                "status": "已受理",
                "allowance_type": "80-89",
                "applied_on": "2026-11-25",
                "received_at": "2026-11-25T09:30:00+08:00",
            }
        ]
    }


def test_lookup_with_no_match_returns_no_items(client: TestClient) -> None:
    assert client.get(URL, params={"id_number": RARE_NAME_ID}).json() == {"items": []}


def test_lookup_needs_an_api_key(client: TestClient) -> None:
    response = client.get(URL, params={"id_number": RARE_NAME_ID}, headers={"X-API-Key": "x"})
    assert response.status_code == 401


def test_lookup_without_id_number_is_refused(client: TestClient) -> None:
    response = client.get(URL)
    assert response.status_code == 422
    assert response.json()["field"] == "id_number"


def test_health_needs_no_api_key(client: TestClient) -> None:
    client.headers.pop("X-API-Key")
    assert client.get("/_sim/health").json() == {"ok": True}


def test_application_awaits_review_until_decided(client: TestClient, body: dict[str, str]) -> None:
    receipt_no = _file(client, body)
    response = client.get(f"{URL}/{receipt_no}")
    assert response.status_code == 200
    assert response.json() == {
        "receipt_no": "YL20261125000001",
        "status": "已受理",
        "allowance_type": "80-89",
        "applied_on": "2026-11-25",
        "received_at": "2026-11-25T09:30:00+08:00",
        "decision": None,
    }


@pytest.mark.parametrize(
    ("person", "amount"), [({}, 100), (NINETY, 300), (HUNDRED, 600)], ids=["80", "90", "100"]
)
def test_approval_pays_the_amount_for_the_allowance_type_from_next_month(
    client: TestClient, body: dict[str, str], person: dict[str, str], amount: int
) -> None:
    receipt_no = _file(client, body | person)
    decided = _decide(client, receipt_no, result="approved")
    assert decided.status_code == 200
    [record] = _records(client)
    assert decided.json() == record
    assert record["status"] == "已批准"
    assert client.get(f"{URL}/{receipt_no}").json()["decision"] == {
        "result": "approved",
        "monthly_amount": amount,
        "start_month": "2026-12",
        "decided_on": "2026-11-25",
        "reason": None,
    }


def test_refusal_keeps_the_reason_and_shows_in_the_lookup(
    client: TestClient, body: dict[str, str]
) -> None:
    receipt_no = _file(client, body)
    assert _decide(client, receipt_no, result="rejected", reason="户籍不在本市").status_code == 200
    assert client.get(f"{URL}/{receipt_no}").json() == {
        "receipt_no": receipt_no,
        "status": "不予批准",
        "allowance_type": "80-89",
        "applied_on": "2026-11-25",
        "received_at": "2026-11-25T09:30:00+08:00",
        "decision": {
            "result": "rejected",
            "monthly_amount": None,
            "start_month": None,
            "decided_on": "2026-11-25",
            "reason": "户籍不在本市",
        },
    }
    [item] = client.get(URL, params={"id_number": RARE_NAME_ID}).json()["items"]
    assert item == {
        "receipt_no": receipt_no,
        "status": "不予批准",
        "allowance_type": "80-89",
        "applied_on": "2026-11-25",
        "received_at": "2026-11-25T09:30:00+08:00",
    }


@pytest.mark.parametrize("reason", [None, "  "])
def test_refusal_without_a_reason_is_refused(
    client: TestClient, body: dict[str, str], reason: str | None
) -> None:
    receipt_no = _file(client, body)
    response = _decide(client, receipt_no, result="rejected", reason=reason)
    assert response.status_code == 422
    assert response.json() == {
        "code": "INVALID",
        "message": "不予批准须填写理由",
        "field": "reason",
    }
    assert client.get(f"{URL}/{receipt_no}").json()["decision"] is None


@pytest.mark.parametrize("decision", [{}, {"result": "maybe"}, {"result": "approved", "reason": 1}])
def test_malformed_decision_is_refused(
    client: TestClient, body: dict[str, str], decision: dict[str, Any]
) -> None:
    receipt_no = _file(client, body)
    response = _decide(client, receipt_no, **decision)
    assert response.status_code == 422
    assert response.json()["field"] in ("result", "reason")
    assert _records(client)[0]["status"] == "已受理"


def test_approval_in_december_starts_paying_in_january(
    client: TestClient, body: dict[str, str], clock: Clock, set_clock: Callable[[datetime], None]
) -> None:
    receipt_no = _file(client, body)
    set_clock(clock().replace(month=12, day=15))
    _decide(client, receipt_no, result="approved")
    decision = client.get(f"{URL}/{receipt_no}").json()["decision"]
    assert (decision["decided_on"], decision["start_month"]) == ("2026-12-15", "2027-01")


def test_decision_is_dated_by_the_day_in_china(
    client: TestClient, body: dict[str, str], set_clock: Callable[[datetime], None]
) -> None:
    receipt_no = _file(client, body)
    set_clock(datetime(2026, 11, 30, 20, tzinfo=UTC))  # 1 December, 04:00 in China
    _decide(client, receipt_no, result="approved")
    decision = client.get(f"{URL}/{receipt_no}").json()["decision"]
    assert (decision["decided_on"], decision["start_month"]) == ("2026-12-01", "2027-01")


def test_deciding_twice_is_refused_and_keeps_the_first_decision(
    client: TestClient, body: dict[str, str]
) -> None:
    receipt_no = _file(client, body)
    _decide(client, receipt_no, result="approved")
    again = _decide(client, receipt_no, result="rejected", reason="重复")
    assert again.status_code == 409
    assert again.json() == {"code": "ALREADY_DECIDED", "message": "该申请已审核，不能重复审核"}
    assert client.get(f"{URL}/{receipt_no}").json()["decision"]["result"] == "approved"


def test_unknown_receipt_is_not_found(client: TestClient) -> None:
    response = client.get(f"{URL}/YL20261125999999")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    decided = _decide(client, "YL20261125999999", result="approved")
    assert (decided.status_code, decided.json()) == (404, NOT_FOUND)


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "not-a-key"}])
def test_get_by_receipt_needs_an_api_key(
    client: TestClient, body: dict[str, str], headers: dict[str, str]
) -> None:
    receipt_no = _file(client, body)
    client.headers.pop("X-API-Key")
    response = client.get(f"{URL}/{receipt_no}", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"code": "UNAUTHORIZED", "message": "API密钥无效"}


def test_decision_hook_needs_no_api_key(client: TestClient, body: dict[str, str]) -> None:
    receipt_no = _file(client, body)
    client.headers.pop("X-API-Key")
    assert _decide(client, receipt_no, result="approved").status_code == 200


def test_records_page_offers_review_buttons_until_decided(
    client: TestClient, body: dict[str, str]
) -> None:
    first, second = _file(client, body), _file(client, body)
    page = client.get("/records").text
    for header in ["审核状态", "核定金额（元/月）", "发放起始年月", "审核意见"]:
        assert f"<th>{header}</th>" in page
    assert page.count('<button type="submit" name="result" value="approved">批准</button>') == 2
    assert f'<label for="reason-{first}">不予批准理由</label>' in page

    response = client.post(
        f"/_sim/applications/{first}/decision",
        data={"result": "rejected", "reason": "户籍不在本市"},
        follow_redirects=False,
    )
    assert (response.status_code, response.headers["location"]) == (303, "/records")
    page = client.get("/records").text
    assert page.count(">批准</button>") == 1
    assert f'action="/_sim/applications/{second}/decision"' in page
    assert f'action="/_sim/applications/{first}/decision"' not in page
    assert "不予批准（2026-11-25）" in page and "户籍不在本市" in page


def test_form_post_that_cannot_be_decided_shows_why(
    client: TestClient, body: dict[str, str]
) -> None:
    receipt_no = _file(client, body)
    response = client.post(
        f"/_sim/applications/{receipt_no}/decision", data={"result": "rejected", "reason": ""}
    )
    assert response.status_code == 422
    assert "不予批准须填写理由" in response.text
    assert '<a href="/records">' in response.text


# The table as versions before 审核 created it: no decision columns.
_OLD_SCHEMA = """
CREATE TABLE allowance_applications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    receipt_no TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    received_at TEXT NOT NULL,
    idempotency_key TEXT UNIQUE,
    request_hash TEXT NOT NULL,
    id_number TEXT NOT NULL, name TEXT NOT NULL, sex TEXT NOT NULL, birth_date TEXT NOT NULL,
    phone TEXT NOT NULL, address TEXT NOT NULL, community_code TEXT NOT NULL,
    allowance_type TEXT NOT NULL, applied_on TEXT NOT NULL
);
"""


def test_database_from_an_older_version_is_upgraded_on_start(
    db_path: Path, clock: Clock, body: dict[str, str]
) -> None:
    with closing(sqlite3.connect(db_path)) as conn, conn:
        conn.executescript(_OLD_SCHEMA)
        filed = {"receipt_no": "YL20261124000001", "status": "已受理"}
        filed |= {"received_at": "2026-11-24T10:00:00+08:00", "request_hash": "h"}
        row = filed | body
        conn.execute(
            f"INSERT INTO allowance_applications ({', '.join(row)})"
            f" VALUES ({', '.join('?' for _ in row)})",
            list(row.values()),
        )
    app = create_elderly_api_app(db_path=db_path, api_keys={API_KEY}, clock=clock)
    client = TestClient(app, headers={"X-API-Key": API_KEY})
    [record] = _records(client)
    assert record["monthly_amount"] is None and record["decided_on"] is None
    assert _decide(client, "YL20261124000001", result="approved").status_code == 200
    decision = client.get(f"{URL}/YL20261124000001").json()["decision"]
    assert (decision["monthly_amount"], decision["start_month"]) == (100, "2026-12")
    assert _file(client, body) == "YL20261125000001"
