"""The simulated 无锡市房屋安全信息平台: filing, its Chinese refusals, idempotency, look-up, API
keys, the per-key rate limit, 复核 and its conditions (down, outage windows)."""

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from simulators._conditions import MAINTENANCE, Conditions
from simulators.housing_api import create_app
from tests.simulators._json_api import file_accepted, keyed_client
from tests.simulators._json_api import sim_decide as _decide
from tests.simulators._json_api import sim_records as _records

API_KEY = "dev-housing-api-key"
URL = "/api/v1/house-inspections"
RARE_NAME = "𠮷祥英"
# Region 320206, born 1942-03-15, sequence 124, check character X.
RARE_NAME_ID = "32020619420315124X"
OTHER_ID = "320206193607080025"
ADDRESS = "江苏省无锡市梁溪区崇安寺街道健康路12号"
Clock = Callable[[], datetime]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "housing_api.db"


def _client(db_path: Path, clock: Clock, **options: Any) -> TestClient:
    return keyed_client(create_app, db_path=db_path, clock=clock, api_key=API_KEY, **options)


@pytest.fixture
def client(db_path: Path, clock: Clock) -> TestClient:
    return _client(db_path, clock)


@pytest.fixture
def body() -> dict[str, str]:
    """A brick house with a cracked wall (C), inspected the day before the clock's day."""
    return {
        "address": ADDRESS,
        "community_code": "320213001002",
        "owner_name": RARE_NAME,
        "owner_id_number": RARE_NAME_ID,
        "phone": "13812345678",
        "structure": "砖混",
        "built_year": "1985",
        "floors": "3",
        "safety_level": "C",
        "hazards": "北侧承重墙斜向开裂，屋面渗漏",
        "inspected_on": "2026-11-24",
        "inspector": "王红",
    }


def _file(client: TestClient, body: dict[str, Any], **headers: str) -> str:
    return file_accepted(client, URL, body, **headers)


def test_valid_record_is_filed_with_a_receipt_and_stored_intact(
    client: TestClient, body: dict[str, str]
) -> None:
    response = client.post(URL, json=body)

    assert (response.status_code, response.json()) == (
        201,
        {
            "receipt_no": "FWAQ20261125000001",
            "status": "已受理",
            "received_at": "2026-11-25T09:30:00+08:00",
        },
    )
    [record] = _records(client)
    assert record == body | response.json() | {
        "idempotency_key": None,
        "monthly_amount": None,
        "start_month": None,
        "decided_on": None,
        "decision_reason": None,
    }
    assert len(record["owner_name"]) == 3  # one code point for 𠮷, not a surrogate pair
    page = client.get("/records").text
    assert "无锡市房屋安全信息平台" in page and RARE_NAME in page and "FWAQ20261125000001" in page


def test_records_survive_a_restart(
    client: TestClient, body: dict[str, str], db_path: Path, clock: Clock
) -> None:
    _file(client, body)
    assert [r["owner_name"] for r in _records(_client(db_path, clock))] == [RARE_NAME]


@pytest.mark.parametrize("level", ["A", "B"])
def test_a_safe_house_needs_no_hazards(
    client: TestClient, body: dict[str, str], level: str
) -> None:
    del body["hazards"]
    _file(client, body | {"safety_level": level})
    assert _records(client)[0]["hazards"] == ""


YEARS = "建成年份应为1900年至2026年之间的四位年份"
FLOORS = "层数应为1至99的整数"
HAZARDS = "安全等级为C级或D级时须填写隐患描述"
PHONE = "联系电话应为以1开头的11位数字"
ID = "owner_id_number"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"address": " "}, "address", "缺少必填字段：房屋地址"),
        ({"community_code": "3202130010"}, "community_code", "社区代码应为12位数字"),
        ({"owner_name": None}, "owner_name", "缺少必填字段：产权人/使用人姓名"),
        ({ID: "320206194203151241"}, ID, "公民身份号码校验位错误"),
        ({ID: "3202061942031512"}, ID, "公民身份号码应为18位（前17位为数字，末位为数字或大写X）"),
        ({ID: "320206194202301240"}, ID, "公民身份号码中的出生日期无效"),
        ({"phone": "0510-8272"}, "phone", PHONE),
        ({"phone": 13812345678}, "phone", "联系电话应为字符串"),
        ({"structure": "钢结构"}, "structure", "结构类型应为砖混、框架、砖木或其他"),
        ({"built_year": "1899"}, "built_year", YEARS),
        ({"built_year": "2027"}, "built_year", YEARS),
        ({"built_year": "１９８５"}, "built_year", YEARS),
        ({"floors": "0"}, "floors", FLOORS),
        ({"floors": "100"}, "floors", FLOORS),
        ({"floors": "2.5"}, "floors", FLOORS),
        ({"safety_level": "a"}, "safety_level", "安全等级应为A、B、C或D"),
        ({"hazards": "  "}, "hazards", HAZARDS),
        ({"safety_level": "D", "hazards": ""}, "hazards", HAZARDS),
        ({"hazards": "裂" * 501}, "hazards", "隐患描述不能超过500个字"),
        ({"hazards": ["开裂"]}, "hazards", "隐患描述应为字符串"),
        ({"inspected_on": "2026/11/24"}, "inspected_on", "排查日期格式应为YYYY-MM-DD"),
        ({"inspected_on": "2026-11-26"}, "inspected_on", "排查日期不能晚于今天"),
        ({"inspector": ""}, "inspector", "缺少必填字段：排查人"),
        # Two bad fields: the earlier in body order is named.
        ({"phone": "1", "floors": "0"}, "phone", PHONE),
    ],
)
def test_invalid_record_is_refused_in_chinese_naming_the_field(
    client: TestClient, body: dict[str, str], change: dict[str, Any], field: str, message: str
) -> None:
    response = client.post(URL, json=body | change)

    assert response.status_code == 422
    assert response.json() == {"code": "INVALID", "message": message, "field": field}
    assert _records(client) == []


@pytest.mark.parametrize(
    ("content", "message"), [(b"[1]", "请求体应为JSON对象"), (b"{", "请求体不是有效的JSON")]
)
def test_body_that_is_not_a_json_object_is_refused(
    client: TestClient, content: bytes, message: str
) -> None:
    response = client.post(URL, content=content, headers={"Content-Type": "application/json"})
    assert response.json() == {"code": "INVALID", "message": message, "field": None}


def test_same_idempotency_key_returns_the_same_record_with_200(
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


def test_same_idempotency_key_with_a_different_body_conflicts(
    client: TestClient, body: dict[str, str]
) -> None:
    _file(client, body, **{"Idempotency-Key": "delivery-7"})
    response = client.post(
        URL, json=body | {"floors": "4"}, headers={"Idempotency-Key": "delivery-7"}
    )
    assert (response.status_code, response.json()["code"]) == (409, "IDEMPOTENCY_CONFLICT")
    assert [r["floors"] for r in _records(client)] == ["3"]


def test_refused_request_does_not_use_up_its_key_and_no_key_files_every_time(
    client: TestClient, body: dict[str, str]
) -> None:
    headers = {"Idempotency-Key": "delivery-7"}
    assert client.post(URL, json=body | {"floors": "0"}, headers=headers).status_code == 422
    assert _file(client, body, **headers) == "FWAQ20261125000001"
    assert _file(client, body) == "FWAQ20261125000002"
    assert _file(client, body) == "FWAQ20261125000003"


def test_lookup_lists_an_owners_records_optionally_for_one_address(
    client: TestClient, body: dict[str, str]
) -> None:
    _file(client, body)
    _file(client, body | {"address": "江苏省无锡市梁溪区健康路14号"})
    _file(client, body | {"owner_id_number": OTHER_ID})

    everything = client.get(URL, params={"owner_id_number": RARE_NAME_ID}).json()["items"]
    one = client.get(URL, params={"owner_id_number": RARE_NAME_ID, "address": ADDRESS}).json()

    assert [item["receipt_no"][-1] for item in everything] == ["1", "2"]
    assert one == {
        "items": [
            {
                "receipt_no": "FWAQ20261125000001",
                "status": "已受理",
                "address": ADDRESS,
                "safety_level": "C",
                "inspected_on": "2026-11-24",
                "received_at": "2026-11-25T09:30:00+08:00",
            }
        ]
    }
    nobody = {"owner_id_number": "110101199003070011"}
    assert client.get(URL, params=nobody).json() == {"items": []}
    assert client.get(URL).json()["field"] == "owner_id_number"


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "not-a-key"}, {"X-API-Key": ""}])
def test_every_api_call_needs_a_known_api_key(
    client: TestClient, body: dict[str, str], headers: dict[str, str]
) -> None:
    receipt_no = _file(client, body)
    client.headers.pop("X-API-Key")
    unauthorized = {"code": "UNAUTHORIZED", "message": "API密钥无效"}

    for response in (
        client.post(URL, json=body, headers=headers),
        client.get(URL, params={"owner_id_number": RARE_NAME_ID}, headers=headers),
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
    assert client.post(URL, json=body | {"floors": "0"}).status_code == 422  # counts too

    set_clock(start + timedelta(seconds=45))
    refused = client.post(URL, json=body)
    assert (refused.status_code, refused.headers["Retry-After"]) == (429, "15")
    assert refused.json() == {"code": "RATE_LIMITED", "message": "请求过于频繁，请15秒后再试"}
    assert client.get(URL, params={"owner_id_number": RARE_NAME_ID}).status_code == 200
    other_key = client.post(URL, json=body, headers={"X-API-Key": "second-key"})
    assert other_key.status_code == 201

    set_clock(start + timedelta(seconds=60))
    assert client.post(URL, json=body).status_code == 201
    # The refused POST at 45 s was not counted: only the one at 20 s is in this minute.
    assert client.post(URL, json=body).status_code == 429
    set_clock(start + timedelta(seconds=80))
    assert client.post(URL, json=body).status_code == 201
    assert len(_records(client)) == 4


def test_a_rate_limit_below_one_is_refused(db_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        create_app(db_path=db_path, api_keys={API_KEY}, rate_limit_per_minute=0)


def test_review_confirms_a_record_without_any_amount(
    client: TestClient, body: dict[str, str]
) -> None:
    receipt_no = _file(client, body)
    assert client.get(f"{URL}/{receipt_no}").json()["decision"] is None

    decided = _decide(client, receipt_no, result="approved", reason="已现场复核")

    assert decided.status_code == 200 and decided.json() == _records(client)[0]
    assert client.get(f"{URL}/{receipt_no}").json() == {
        "receipt_no": receipt_no,
        "status": "已复核",
        "address": ADDRESS,
        "safety_level": "C",
        "inspected_on": "2026-11-24",
        "received_at": "2026-11-25T09:30:00+08:00",
        "decision": {
            "result": "approved",
            "monthly_amount": None,
            "start_month": None,
            "decided_on": "2026-11-25",
            "reason": "已现场复核",
        },
    }


def test_refusal_needs_a_reason_and_a_decision_is_final(
    client: TestClient, body: dict[str, str]
) -> None:
    receipt_no = _file(client, body)
    assert _decide(client, receipt_no, result="rejected").json()["message"] == "不予批准须填写理由"

    assert _decide(client, receipt_no, result="rejected", reason="等级评定有误").status_code == 200
    again = _decide(client, receipt_no, result="approved")

    assert again.status_code == 409
    decision = client.get(f"{URL}/{receipt_no}").json()["decision"]
    assert (decision["result"], decision["reason"]) == ("rejected", "等级评定有误")
    assert _records(client)[0]["status"] == "不予批准"


def test_unknown_receipt_is_not_found(client: TestClient) -> None:
    not_found = {"code": "NOT_FOUND", "message": "未找到该受理编号"}
    assert client.get(f"{URL}/FWAQ20261125999999").json() == not_found
    assert _decide(client, "FWAQ20261125999999", result="approved").status_code == 404


def test_records_page_offers_review_buttons_until_decided(
    client: TestClient, body: dict[str, str]
) -> None:
    first, second = _file(client, body), _file(client, body)
    assert client.get("/records").text.count(">批准</button>") == 2

    response = client.post(
        f"/_sim/applications/{first}/decision", data={"result": "approved"}, follow_redirects=False
    )

    assert (response.status_code, response.headers["location"]) == (303, "/records")
    page = client.get("/records").text
    assert page.count(">批准</button>") == 1
    assert f'action="/_sim/applications/{second}/decision"' in page
    assert "已复核（2026-11-25）" in page


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
