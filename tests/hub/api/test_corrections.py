"""Correcting households, houses, organizations, vehicles and events through the API: only the
fields given change, bad input is explained per field in Chinese, another community's ids are
404, and the history keeps who did it."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlmodel import col, select

from hub.store import ChangeRecord, Household, session_scope
from tests.hub.api.conftest import Api

COMMUNITY_A = "320206104001"


def _household(api: Api) -> Household:
    with session_scope(api.state.engine) as session:
        row = session.exec(
            select(Household).where(Household.community_code == COMMUNITY_A).order_by(Household.id)
        ).first()
    assert row is not None and row.house_id is not None
    return row


def _last_change(api: Api, entity: str, entity_id: int) -> ChangeRecord:
    with session_scope(api.state.engine) as session:
        row = session.exec(
            select(ChangeRecord)
            .where(ChangeRecord.entity == entity, ChangeRecord.entity_id == str(entity_id))
            .order_by(col(ChangeRecord.id).desc())
        ).first()
    assert row is not None
    return row


def _event(api: Api, **about: int) -> int:
    body = {"kind": "complaint", "title": "楼道灯坏了", "occurred_on": date.today().isoformat()}
    created = api.client.post("/api/events", json=body | about, headers=api.as_worker_a())
    assert created.status_code == 201
    return int(created.json()["id"])


# ---- households and houses ----------------------------------------------------------------


def test_a_household_correction_changes_only_the_given_field_and_records_who(api: Api):
    household = _household(api)
    answer = api.client.patch(
        f"/api/households/{household.id}",
        json={"household_type": "集体户"},
        headers=api.as_worker_a(),
    )
    assert answer.status_code == 200
    assert answer.json()["household_type"] == "集体户"
    assert answer.json()["address"] == household.address
    change = _last_change(api, "household", household.id or 0)
    assert (change.action, change.actor) == ("update", "worker-a")
    assert json.loads(change.changes) == {"household_type": ["家庭户", "集体户"]}


def test_bad_household_fields_are_explained_in_chinese(api: Api):
    household = _household(api)
    answer = api.client.patch(
        f"/api/households/{household.id}",
        json={"household_type": "大户", "address": None},
        headers=api.as_worker_a(),
    )
    assert answer.status_code == 422
    assert answer.json()["field_errors"] == {
        "household_type": "户类型应为：家庭户、集体户",
        "address": "此项不能为空",
    }


def test_a_house_safety_status_is_changed_and_the_overview_counts_it(api: Api):
    house_id = _household(api).house_id
    before = api.client.get("/api/overview", headers=api.as_worker_a()).json()[0]
    answer = api.client.patch(
        f"/api/houses/{house_id}", json={"safety_status": "D级危房"}, headers=api.as_worker_a()
    )
    assert answer.status_code == 200
    assert (answer.json()["safety_status"], answer.json()["use"]) == ("D级危房", "住宅")
    after = api.client.get("/api/overview", headers=api.as_worker_a()).json()[0]
    assert after["houses_at_risk"] == before["houses_at_risk"] + 1
    change = _last_change(api, "house", house_id or 0)
    assert change.actor == "worker-a"
    assert json.loads(change.changes) == {"safety_status": ["安全", "D级危房"]}


def test_bad_house_fields_are_explained_in_chinese(api: Api):
    house_id = _household(api).house_id
    answer = api.client.patch(
        f"/api/houses/{house_id}",
        json={"safety_status": "危险", "use": "仓库"},
        headers=api.as_worker_a(),
    )
    assert answer.status_code == 422
    assert answer.json()["field_errors"] == {
        "safety_status": "安全状况应为：安全、一般隐患、C级危房、D级危房",
        "use": "房屋用途应为：住宅、商业、办公、其他",
    }


def test_another_community_cannot_correct_a_household_or_house(api: Api):
    household = _household(api)
    worker_b = api.as_worker_b()
    for path, body in (
        (f"/api/households/{household.id}", {"address": "别处"}),
        (f"/api/houses/{household.house_id}", {"safety_status": "D级危房"}),
    ):
        answer = api.client.patch(path, json=body, headers=worker_b)
        assert answer.status_code == 404, path
    assert _household(api).address == household.address


# ---- organizations and vehicles -----------------------------------------------------------


def _organization(api: Api, name: str) -> dict:
    rows = api.client.get("/api/organizations", headers=api.as_worker_a()).json()
    return next(o for o in rows if o["name"] == name)


def test_an_organization_is_read_and_corrected_field_by_field(api: Api):
    org = _organization(api, "无锡玉祁花园物业管理有限公司")
    one = api.client.get(f"/api/organizations/{org['id']}", headers=api.as_worker_a())
    assert one.status_code == 200 and one.json() == org
    answer = api.client.patch(
        f"/api/organizations/{org['id']}",
        json={"address": "玉祁花园2幢底商"},
        headers=api.as_worker_a(),
    )
    assert answer.status_code == 200
    assert answer.json() == {**org, "address": "玉祁花园2幢底商"}
    change = _last_change(api, "organization", org["id"])
    assert change.actor == "worker-a"
    assert json.loads(change.changes) == {"address": ["玉祁花园1幢底商", "玉祁花园2幢底商"]}


def test_bad_organization_corrections_use_the_registration_checks(api: Api):
    org = _organization(api, "玉祁社区老年协会")
    answer = api.client.patch(
        f"/api/organizations/{org['id']}",
        json={"name": "某", "kind": "帮派", "credit_code": "123"},
        headers=api.as_worker_a(),
    )
    assert answer.status_code == 422
    errors = answer.json()["field_errors"]
    assert errors["name"] == "内容太短"
    assert errors["kind"].startswith("组织类型应为")
    assert errors["credit_code"] == "统一社会信用代码应为18位数字或大写字母"
    assert _organization(api, "玉祁社区老年协会") == org


def test_an_organization_is_removed_and_the_history_keeps_it(api: Api):
    org = _organization(api, "玉祁便民理发店")
    theirs = api.client.delete(f"/api/organizations/{org['id']}", headers=api.as_worker_b())
    assert theirs.status_code == 404
    gone = api.client.delete(f"/api/organizations/{org['id']}", headers=api.as_worker_a())
    assert gone.status_code == 204
    again = api.client.get(f"/api/organizations/{org['id']}", headers=api.as_worker_a())
    assert again.status_code == 404
    change = _last_change(api, "organization", org["id"])
    assert (change.action, change.actor) == ("delete", "worker-a")
    assert json.loads(change.changes)["name"] == ["玉祁便民理发店", None]


def test_a_vehicle_changes_kind_and_owner_only_within_the_community(api: Api):
    car = next(
        v
        for v in api.client.get("/api/vehicles", headers=api.as_worker_a()).json()
        if v["plate_no"] == "苏B3K2M7"
    )
    mine = api.client.get("/api/residents", headers=api.as_worker_a()).json()[0]["id"]
    theirs = api.client.get("/api/residents", headers=api.as_worker_b()).json()[0]["id"]
    path = f"/api/vehicles/{car['id']}"
    refused = api.client.patch(path, json={"owner_resident_id": theirs}, headers=api.as_worker_a())
    assert refused.status_code == 404
    answer = api.client.patch(
        path, json={"kind": "货车", "owner_resident_id": mine}, headers=api.as_worker_a()
    )
    assert answer.status_code == 200
    assert answer.json() == {**car, "kind": "货车", "owner_resident_id": mine}
    cleared = api.client.patch(path, json={"owner_resident_id": None}, headers=api.as_worker_a())
    assert cleared.json()["owner_resident_id"] is None and cleared.json()["kind"] == "货车"
    assert api.client.delete(path, headers=api.as_worker_a()).status_code == 204
    plates = [
        v["plate_no"] for v in api.client.get("/api/vehicles", headers=api.as_worker_a()).json()
    ]
    assert "苏B3K2M7" not in plates


# ---- events ---------------------------------------------------------------------------------


def test_an_event_is_closed_then_corrected_and_her_history_says_who(api: Api):
    rid = api.client.get("/api/residents", headers=api.as_worker_a()).json()[0]["id"]
    event_id = _event(api, resident_id=rid)
    closed = api.client.patch(
        f"/api/events/{event_id}", json={"status": "closed"}, headers=api.as_worker_a()
    )
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["title"]) == ("closed", "楼道灯坏了")
    fixed = api.client.patch(
        f"/api/events/{event_id}",
        json={"title": "三楼楼道灯坏了", "detail": "已报物业"},
        headers=api.as_worker_a(),
    )
    assert fixed.json()["status"] == "closed" and fixed.json()["title"] == "三楼楼道灯坏了"
    detail = api.client.get(f"/api/residents/{rid}", headers=api.as_worker_a()).json()
    entry = next(t for t in detail["timeline"] if t["event_id"] == event_id)
    assert (entry["summary"], entry["event_status"]) == ("投诉：三楼楼道灯坏了", "closed")
    history = api.client.get(f"/api/residents/{rid}/history", headers=api.as_worker_a()).json()
    updates = [h for h in history if h["entity"] == "communityevent" and h["action"] == "update"]
    assert [h["changes"] for h in updates] == [
        {"title": ["楼道灯坏了", "三楼楼道灯坏了"], "detail": ["", "已报物业"]},
        {"status": ["open", "closed"]},
    ]
    assert {h["actor"] for h in updates} == {"worker-a"}


def test_bad_event_corrections_are_explained_in_chinese(api: Api):
    event_id = _event(api)
    bad = api.client.patch(
        f"/api/events/{event_id}",
        json={"status": "done", "title": "x", "occurred_on": "2026-02-30"},
        headers=api.as_worker_a(),
    )
    assert bad.status_code == 422
    assert bad.json()["field_errors"] == {
        "status": "状态应为：open（未办结）、closed（已办结）",
        "title": "内容太短",
        "occurred_on": "日期格式应为 年-月-日",
    }
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    future = api.client.patch(
        f"/api/events/{event_id}", json={"occurred_on": tomorrow}, headers=api.as_worker_a()
    )
    assert future.status_code == 422
    assert future.json()["field_errors"] == {"occurred_on": "发生日期不能晚于今天"}


def test_another_community_cannot_close_an_event(api: Api):
    event_id = _event(api)
    answer = api.client.patch(
        f"/api/events/{event_id}", json={"status": "closed"}, headers=api.as_worker_b()
    )
    assert answer.status_code == 404
    assert _last_change(api, "communityevent", event_id).action == "create"
