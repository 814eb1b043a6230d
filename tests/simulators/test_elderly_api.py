from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from simulators import create_elderly_api_app

API_KEY = "dev-elderly-api-key"
URL = "/api/v1/allowance-applications"
# 𠮷 (U+20BB7) lies outside the Basic Multilingual Plane: four bytes in UTF-8, a surrogate pair
# in UTF-16 (and in JSON's \u escapes), so it is the name most likely to be mangled on the way.
RARE_NAME = "𠮷祥英"
# Region 320206, born 1942-03-15, sequence 124 (even: female), check character X.
RARE_NAME_ID = "32020619420315124X"
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


def _records(client: TestClient) -> list[dict[str, Any]]:
    return client.get("/_sim/records").json()


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
    other = {
        "id_number": "320206193607080025",
        "birth_date": "1936-07-08",
        "allowance_type": "90-99",
    }
    assert client.post(URL, json=body | other).status_code == 201
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
