"""修改: PUT /api/v1/allowance-applications/{receipt_no} at the simulated city platform."""

import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from simulators import create_elderly_api_app
from tests.simulators.test_elderly_api import (
    _OLD_SCHEMA,
    API_KEY,
    NINETY,
    NOT_FOUND,
    URL,
    _decide,
    _file,
    _records,
    body,
    client,
    db_path,
)

__all__ = ["body", "client", "db_path"]  # fixtures, used by name

Clock = Callable[[], datetime]
NOT_AMENDABLE = {"code": "NOT_AMENDABLE", "message": "该申请已审核，不能修改"}
# A later hour on the day the clock starts at.
ELEVEN = datetime.fromisoformat("2026-11-25T11:00:00+08:00")


def test_amendment_replaces_the_fields_and_is_counted(
    client: TestClient, body: dict[str, str], set_clock: Callable[[datetime], None]
) -> None:
    receipt_no = _file(client, body)
    set_clock(ELEVEN)

    first = client.put(f"{URL}/{receipt_no}", json=body | {"phone": "13900000000"})
    second = client.put(f"{URL}/{receipt_no}", json=body | {"phone": "13911111111"})

    assert first.status_code == 200
    assert first.json() == {
        "receipt_no": receipt_no,
        "status": "已受理",
        "received_at": "2026-11-25T09:30:00+08:00",
        "amended_at": "2026-11-25T11:00:00+08:00",
    }
    assert second.status_code == 200
    [record] = _records(client)
    assert record["phone"] == "13911111111"
    assert (record["amendments"], record["amended_at"]) == (2, "2026-11-25T11:00:00+08:00")
    assert record["receipt_no"] == receipt_no
    assert record["received_at"] == "2026-11-25T09:30:00+08:00"


def test_every_field_but_the_person_and_allowance_can_be_amended(
    client: TestClient, body: dict[str, str]
) -> None:
    receipt_no = _file(client, body)
    changed = {
        "name": "王祥英",
        "phone": "13900000000",
        "address": "江苏省无锡市惠山区玉祁街道礼舍路1号",
        "community_code": "320206104001",
        "applied_on": "2026-11-24",
    }

    assert client.put(f"{URL}/{receipt_no}", json=body | changed).status_code == 200

    [record] = _records(client)
    assert {name: record[name] for name in changed} == changed


def test_a_filed_record_starts_unamended(client: TestClient, body: dict[str, str]) -> None:
    _file(client, body)
    [record] = _records(client)
    assert (record["amendments"], record["amended_at"]) == (0, None)
    assert "已修改" not in client.get("/records").text


def test_amending_an_unknown_receipt_is_not_found(client: TestClient, body: dict[str, str]) -> None:
    response = client.put(f"{URL}/YL20261125999999", json=body)
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert _records(client) == []


@pytest.mark.parametrize(
    "decision", [{"result": "approved"}, {"result": "rejected", "reason": "户籍不在本市"}]
)
def test_a_decided_application_cannot_be_amended(
    client: TestClient, body: dict[str, str], decision: dict[str, str]
) -> None:
    receipt_no = _file(client, body)
    assert _decide(client, receipt_no, **decision).status_code == 200

    response = client.put(f"{URL}/{receipt_no}", json=body | {"phone": "13900000000"})

    assert (response.status_code, response.json()) == (422, NOT_AMENDABLE)
    [record] = _records(client)
    assert (record["phone"], record["amendments"]) == ("13812345678", 0)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (NINETY, "id_number", "公民身份号码不能修改，为他人申请请另行提交"),
        # On her 90th birthday, 90-99 is right for her: only not as an amendment.
        (
            {"allowance_type": "90-99", "applied_on": "2032-03-15"},
            "allowance_type",
            "津贴类别不能修改，申请其他类别请另行提交",
        ),
    ],
    ids=["another-person", "another-allowance"],
)
def test_the_person_and_the_allowance_cannot_be_amended(
    client: TestClient, body: dict[str, str], change: dict[str, str], field: str, message: str
) -> None:
    receipt_no = _file(client, body)
    # Valid as a body: filed as a new application, the platform takes it.
    assert client.post(URL, json=body | change).status_code == 201

    response = client.put(f"{URL}/{receipt_no}", json=body | change)

    assert response.status_code == 422
    assert response.json() == {"code": "INVALID", "message": message, "field": field}
    original = _records(client)[0]
    assert (original[field], original["amendments"]) == (body[field], 0)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"birth_date": "1942-03-16"}, "birth_date", "出生日期与公民身份号码不一致"),
        ({"community_code": "3202060010"}, "community_code", "社区代码应为12位数字"),
        ({"allowance_type": "100+"}, "allowance_type", "津贴类别与申请人年龄不符（申请日84周岁）"),
        ({"phone": 13812345678}, "phone", "联系电话应为字符串"),
        ({"name": "  "}, "name", "缺少必填字段：姓名"),
    ],
)
def test_an_invalid_amendment_is_refused_as_a_post_would_be(
    client: TestClient, body: dict[str, str], change: dict[str, Any], field: str, message: str
) -> None:
    receipt_no = _file(client, body)

    response = client.put(f"{URL}/{receipt_no}", json=body | change)

    assert response.status_code == 422
    assert response.json() == {"code": "INVALID", "message": message, "field": field}
    [record] = _records(client)
    assert (record[field], record["amendments"]) == (body[field], 0)


def test_an_amendment_with_a_field_missing_is_refused(
    client: TestClient, body: dict[str, str]
) -> None:
    receipt_no = _file(client, body)
    del body["applied_on"]
    response = client.put(f"{URL}/{receipt_no}", json=body)
    assert response.status_code == 422
    assert response.json() == {
        "code": "INVALID",
        "message": "缺少必填字段：申请日期",
        "field": "applied_on",
    }


def test_an_amendment_that_is_not_a_json_object_is_refused(
    client: TestClient, body: dict[str, str]
) -> None:
    receipt_no = _file(client, body)
    response = client.put(
        f"{URL}/{receipt_no}", content=b"[1]", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json() == {"code": "INVALID", "message": "请求体应为JSON对象", "field": None}


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "not-a-key"}])
def test_amending_needs_an_api_key(
    client: TestClient, body: dict[str, str], headers: dict[str, str]
) -> None:
    receipt_no = _file(client, body)
    client.headers.pop("X-API-Key")
    response = client.put(f"{URL}/{receipt_no}", json=body | {"phone": "1"}, headers=headers)
    assert response.status_code == 401
    assert _records(client)[0]["amendments"] == 0


def test_an_amended_application_can_still_be_decided(
    client: TestClient, body: dict[str, str]
) -> None:
    receipt_no = _file(client, body)
    client.put(f"{URL}/{receipt_no}", json=body | {"phone": "13900000000"})
    decided = _decide(client, receipt_no, result="approved")
    assert decided.status_code == 200
    assert (decided.json()["status"], decided.json()["amendments"]) == ("已批准", 1)


def test_a_post_retried_after_an_amendment_is_still_a_replay(
    client: TestClient, body: dict[str, str]
) -> None:
    headers = {"Idempotency-Key": "delivery-42"}
    receipt_no = client.post(URL, json=body, headers=headers).json()["receipt_no"]
    client.put(f"{URL}/{receipt_no}", json=body | {"phone": "13900000000"})

    again = client.post(URL, json=body, headers=headers)

    assert (again.status_code, again.json()["receipt_no"]) == (200, receipt_no)
    assert [record["phone"] for record in _records(client)] == ["13900000000"]


def test_records_page_shows_how_often_a_row_was_amended(
    client: TestClient, body: dict[str, str], set_clock: Callable[[datetime], None]
) -> None:
    amended, untouched = _file(client, body), _file(client, body)
    set_clock(ELEVEN)
    for phone in ("13900000000", "13911111111"):
        client.put(f"{URL}/{amended}", json=body | {"phone": phone})

    page = client.get("/records").text

    assert page.count("已修改") == 1
    amended_row = page[page.index(f"<td>{amended}</td>") :].split("</tr>")[0]
    untouched_row = page[page.index(f"<td>{untouched}</td>") :].split("</tr>")[0]
    assert "已修改2次" in amended_row and "2026-11-25T11:00:00+08:00" in amended_row
    assert "13911111111" in amended_row
    assert "已修改" not in untouched_row


def test_a_database_from_before_amendments_is_upgraded_on_start(
    db_path: Path, clock: Clock, body: dict[str, str]
) -> None:
    with closing(sqlite3.connect(db_path)) as conn, conn:
        conn.executescript(_OLD_SCHEMA)
        row = {"receipt_no": "YL20261124000001", "status": "已受理"}
        row |= {"received_at": "2026-11-24T10:00:00+08:00", "request_hash": "h"} | body
        conn.execute(
            f"INSERT INTO allowance_applications ({', '.join(row)})"
            f" VALUES ({', '.join('?' for _ in row)})",
            list(row.values()),
        )
    app = create_elderly_api_app(db_path=db_path, api_keys={API_KEY}, clock=clock)
    client = TestClient(app, headers={"X-API-Key": API_KEY})

    assert _records(client)[0]["amendments"] == 0
    response = client.put(f"{URL}/YL20261124000001", json=body | {"phone": "13900000000"})

    assert response.status_code == 200
    [record] = _records(client)
    assert (record["phone"], record["amendments"]) == ("13900000000", 1)
    # Starting again on the upgraded file adds nothing twice.
    restarted = TestClient(create_elderly_api_app(db_path=db_path, api_keys=set(), clock=clock))
    assert _records(restarted) == [record]
