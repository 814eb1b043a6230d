"""The simulated 无锡市基层数据共享平台 (一表通数据归集接口): collecting, its Chinese refusals,
idempotency, the look-up by business and person, API keys, the per-key rate limit, the masked
records page and its conditions (down, outage windows)."""

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from simulators._conditions import MAINTENANCE, Conditions
from simulators.city_data import create_app
from tests.simulators._json_api import file_accepted, keyed_client
from tests.simulators._json_api import sim_records as _records

API_KEY = "dev-city-data-api-key"
URL = "/api/v1/records"
RARE_NAME = "𠮷祥英"
# Region 320206, born 1942-03-15, sequence 124, check character X.
RARE_NAME_ID = "32020619420315124X"
OTHER_ID = "320206193607080025"
Clock = Callable[[], datetime]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "city_data.db"


def _client(db_path: Path, clock: Clock, **options: Any) -> TestClient:
    return keyed_client(create_app, db_path=db_path, clock=clock, api_key=API_KEY, **options)


@pytest.fixture
def client(db_path: Path, clock: Clock) -> TestClient:
    return _client(db_path, clock)


@pytest.fixture
def body() -> dict[str, str]:
    """A house-safety inspection of a woman with a rare character in her name, the day before
    the clock's day."""
    return {
        "business_type": "房屋安全排查",
        "id_number": RARE_NAME_ID,
        "name": RARE_NAME,
        "sex": "2",
        "birth_date": "1942-03-15",
        "phone": "13901000315",
        "address": "江苏省无锡市梁溪区崇安寺街道健康路12号",
        "community_code": "320213001002",
        "business_date": "2026-11-24",
        "summary": "C；北侧承重墙斜向开裂",
    }


def _file(client: TestClient, body: dict[str, Any], **headers: str) -> str:
    return file_accepted(client, URL, body, **headers)


def test_a_valid_record_is_collected_with_a_receipt_and_stored_intact(
    client: TestClient, body: dict[str, str]
) -> None:
    response = client.post(URL, json=body)

    assert (response.status_code, response.json()) == (
        201,
        {
            "receipt_no": "SJGJ-2026-000001",
            "status": "已归集",
            "received_at": "2026-11-25T09:30:00+08:00",
        },
    )
    [record] = _records(client)
    assert record == body | response.json() | {"idempotency_key": None}
    assert len(record["name"]) == 3  # one code point for 𠮷, not a surrogate pair


def test_records_survive_a_restart(
    client: TestClient, body: dict[str, str], db_path: Path, clock: Clock
) -> None:
    _file(client, body)
    assert [r["name"] for r in _records(_client(db_path, clock))] == [RARE_NAME]


@pytest.mark.parametrize(
    "business_type", ["高龄津贴", "退役军人信息采集", "残疾人两项补贴", "最低生活保障"]
)
def test_every_business_in_the_catalogue_is_collected(
    client: TestClient, body: dict[str, str], business_type: str
) -> None:
    _file(client, body | {"business_type": business_type})
    assert [r["business_type"] for r in _records(client)] == [business_type]


@pytest.mark.parametrize("absent", ["phone", "address", "summary"])
def test_phone_address_and_summary_may_be_left_out_blank_or_null(
    client: TestClient, body: dict[str, str], absent: str
) -> None:
    _file(client, {k: v for k, v in body.items() if k != absent})
    _file(client, body | {absent: ""})
    _file(client, body | {absent: None})
    assert [r[absent] for r in _records(client)] == ["", "", ""]


def test_receipt_numbers_run_on_through_the_year_and_restart_with_the_next(
    client: TestClient, body: dict[str, str], set_clock: Callable[[datetime], None], clock: Clock
) -> None:
    assert _file(client, body) == "SJGJ-2026-000001"
    set_clock(clock() + timedelta(days=20))  # 2026-12-15
    assert _file(client, body) == "SJGJ-2026-000002"
    set_clock(clock() + timedelta(days=20))  # 2027-01-04
    assert _file(client, body) == "SJGJ-2027-000001"


TYPES = (
    "业务类型应为以下之一：高龄津贴、退役军人信息采集、残疾人两项补贴、最低生活保障、房屋安全排查"
)
PHONE = "联系电话应为以1开头的11位数字"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"business_type": None}, "business_type", "缺少必填字段：业务类型"),
        ({"business_type": "高龄补贴"}, "business_type", TYPES),
        ({"id_number": " "}, "id_number", "缺少必填字段：公民身份号码"),
        ({"id_number": "320206194203151241"}, "id_number", "公民身份号码校验位错误"),
        ({"name": ""}, "name", "缺少必填字段：姓名"),
        ({"name": "王" * 51}, "name", "姓名不能超过50个字"),
        ({"sex": "1"}, "sex", "性别与公民身份号码不一致"),
        ({"sex": "男"}, "sex", "性别代码无效"),
        ({"birth_date": "1942-03-16"}, "birth_date", "出生日期与公民身份号码不一致"),
        ({"birth_date": "19420315"}, "birth_date", "出生日期格式应为YYYY-MM-DD"),
        ({"phone": "0510-8272"}, "phone", PHONE),
        ({"phone": 13901000315}, "phone", "联系电话应为字符串"),
        ({"address": "路" * 201}, "address", "地址不能超过200个字"),
        ({"community_code": "3202130010"}, "community_code", "社区代码应为12位数字"),
        ({"business_date": "2026/11/24"}, "business_date", "业务日期格式应为YYYY-MM-DD"),
        ({"business_date": "2026-11-26"}, "business_date", "业务日期不能晚于今天"),
        ({"summary": "裂" * 1001}, "summary", "业务摘要不能超过1000个字"),
        ({"summary": ["开裂"]}, "summary", "业务摘要应为字符串"),
        # Two bad fields: the earlier in body order is named.
        ({"phone": "1", "business_date": "x"}, "phone", PHONE),
    ],
)
def test_an_invalid_record_is_refused_in_chinese_naming_the_field(
    client: TestClient, body: dict[str, str], change: dict[str, Any], field: str, message: str
) -> None:
    response = client.post(URL, json=body | change)

    assert response.status_code == 422
    assert response.json() == {"code": "INVALID", "message": message, "field": field}
    assert _records(client) == []


@pytest.mark.parametrize(
    ("content", "message"), [(b"[1]", "请求体应为JSON对象"), (b"{", "请求体不是有效的JSON")]
)
def test_a_body_that_is_not_a_json_object_is_refused(
    client: TestClient, content: bytes, message: str
) -> None:
    response = client.post(URL, content=content, headers={"Content-Type": "application/json"})
    assert response.json() == {"code": "INVALID", "message": message, "field": None}


def test_the_same_idempotency_key_returns_the_same_record_with_200(
    client: TestClient, body: dict[str, str], set_clock: Callable[[datetime], None], clock: Clock
) -> None:
    first = client.post(URL, json=body, headers={"Idempotency-Key": "delivery-7"})
    set_clock(clock() + timedelta(hours=1))
    # The same body with its keys in another order is still the same request.
    again = client.post(
        URL, json=dict(reversed(body.items())), headers={"Idempotency-Key": "delivery-7"}
    )

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert [r["idempotency_key"] for r in _records(client)] == ["delivery-7"]


def test_the_same_idempotency_key_with_a_different_body_conflicts(
    client: TestClient, body: dict[str, str]
) -> None:
    _file(client, body, **{"Idempotency-Key": "delivery-7"})
    response = client.post(
        URL, json=body | {"summary": "A"}, headers={"Idempotency-Key": "delivery-7"}
    )
    assert (response.status_code, response.json()["code"]) == (409, "IDEMPOTENCY_CONFLICT")
    assert [r["summary"] for r in _records(client)] == [body["summary"]]


def test_a_refused_request_does_not_use_up_its_key_and_no_key_collects_every_time(
    client: TestClient, body: dict[str, str]
) -> None:
    headers = {"Idempotency-Key": "delivery-7"}
    assert client.post(URL, json=body | {"sex": "1"}, headers=headers).status_code == 422
    assert _file(client, body, **headers) == "SJGJ-2026-000001"
    assert _file(client, body) == "SJGJ-2026-000002"
    assert _file(client, body) == "SJGJ-2026-000003"


def test_lookup_lists_one_persons_records_of_one_business(
    client: TestClient, body: dict[str, str]
) -> None:
    _file(client, body)
    _file(client, body | {"business_date": "2025-11-20"})
    _file(client, body | {"business_type": "高龄津贴"})
    _file(client, body | {"id_number": OTHER_ID, "birth_date": "1936-07-08"})

    found = client.get(URL, params={"business_type": "房屋安全排查", "id_number": RARE_NAME_ID})

    assert found.json() == {
        "items": [
            {
                "receipt_no": f"SJGJ-2026-00000{n}",
                "status": "已归集",
                "business_type": "房屋安全排查",
                "business_date": day,
                "received_at": "2026-11-25T09:30:00+08:00",
            }
            for n, day in ((1, "2026-11-24"), (2, "2025-11-20"))
        ]
    }
    nobody = {"business_type": "高龄津贴", "id_number": OTHER_ID}
    assert client.get(URL, params=nobody).json() == {"items": []}


@pytest.mark.parametrize(
    ("params", "field"),
    [({"id_number": RARE_NAME_ID}, "business_type"), ({"business_type": "高龄津贴"}, "id_number")],
)
def test_lookup_needs_both_the_business_and_the_person(
    client: TestClient, params: dict[str, str], field: str
) -> None:
    response = client.get(URL, params=params)
    assert (response.status_code, response.json()["field"]) == (422, field)


def test_one_record_by_its_receipt_number(client: TestClient, body: dict[str, str]) -> None:
    receipt_no = _file(client, body)

    assert client.get(f"{URL}/{receipt_no}").json() == {
        "receipt_no": receipt_no,
        "status": "已归集",
        "business_type": "房屋安全排查",
        "business_date": "2026-11-24",
        "received_at": "2026-11-25T09:30:00+08:00",
    }
    unknown = client.get(f"{URL}/SJGJ-2026-999999")
    assert (unknown.status_code, unknown.json()["message"]) == (404, "未找到该归集编号")


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "not-a-key"}, {"X-API-Key": ""}])
def test_every_api_call_needs_a_known_api_key(
    client: TestClient, body: dict[str, str], headers: dict[str, str]
) -> None:
    receipt_no = _file(client, body)
    client.headers.pop("X-API-Key")
    unauthorized = {"code": "UNAUTHORIZED", "message": "API密钥无效"}
    params = {"business_type": "房屋安全排查", "id_number": RARE_NAME_ID}

    for response in (
        client.post(URL, json=body, headers=headers),
        client.get(URL, params=params, headers=headers),
        client.get(f"{URL}/{receipt_no}", headers=headers),
    ):
        assert (response.status_code, response.json()) == (401, unauthorized)
    assert len(_records(client)) == 1


def test_posts_over_the_rate_limit_wait_for_the_rolling_minute(
    db_path: Path, clock: Clock, set_clock: Callable[[datetime], None], body: dict[str, str]
) -> None:
    client = _client(db_path, clock, rate_limit_per_minute=2)
    start = clock()
    _file(client, body)
    set_clock(start + timedelta(seconds=20))
    assert client.post(URL, json=body | {"sex": "1"}).status_code == 422  # counts too

    set_clock(start + timedelta(seconds=45))
    refused = client.post(URL, json=body)
    assert (refused.status_code, refused.headers["Retry-After"]) == (429, "15")
    assert refused.json() == {"code": "RATE_LIMITED", "message": "请求过于频繁，请15秒后再试"}
    params = {"business_type": "房屋安全排查", "id_number": RARE_NAME_ID}
    assert client.get(URL, params=params).status_code == 200  # look-ups are not limited
    assert client.post(URL, json=body, headers={"X-API-Key": "second-key"}).status_code == 201

    set_clock(start + timedelta(seconds=60))
    assert client.post(URL, json=body).status_code == 201
    assert len(_records(client)) == 3


def test_the_records_page_masks_names_id_and_phone_numbers(
    client: TestClient, body: dict[str, str]
) -> None:
    _file(client, body)
    _file(client, body | {"business_type": "高龄津贴", "summary": "<b>80-89周岁</b>"})

    page = client.get("/records").text

    assert "无锡市基层数据共享平台" in page and "SJGJ-2026-000002" in page
    assert page.index("SJGJ-2026-000002") < page.index("SJGJ-2026-000001")  # newest first
    assert "𠮷**" in page and "320206********124X" in page and "139****0315" in page
    for personal in (RARE_NAME, RARE_NAME_ID, "19420315", "1942-03-15", body["phone"]):
        assert personal not in page
    assert "&lt;b&gt;80-89周岁&lt;/b&gt;" in page  # escaped


def test_a_system_that_is_down_answers_503_json_but_test_hooks_still_work(
    db_path: Path, clock: Clock, body: dict[str, str]
) -> None:
    client = _client(db_path, clock, conditions=Conditions(down=True))

    response = client.post(URL, json=body)

    assert (response.status_code, response.headers["Retry-After"]) == (503, "30")
    assert response.json() == {"code": "UNAVAILABLE", "message": MAINTENANCE}
    assert client.get("/records").status_code == 503
    assert client.get("/_sim/health").json() == {"ok": True}
    assert _records(client) == []
    assert client.put("/_sim/conditions", json={"down": False}).json()["down"] is False
    assert client.post(URL, json=body).status_code == 201


def test_an_outage_window_follows_the_simulators_clock(
    db_path: Path, clock: Clock, set_clock: Callable[[datetime], None], body: dict[str, str]
) -> None:
    client = _client(db_path, clock, conditions=Conditions(outages=["09:00-10:00"]))
    assert client.post(URL, json=body).status_code == 503  # the clock reads 09:30

    set_clock(clock().replace(hour=10, minute=30))
    assert client.post(URL, json=body).status_code == 201
