"""Tags, the community's daily work and the change history, through the API."""

from __future__ import annotations

from datetime import date, timedelta

from hub.clock import beijing_today
from tests.hub.api.conftest import Api


def _first_resident(api: Api) -> int:
    return api.client.get("/api/residents", headers=api.as_worker_a()).json()[0]["id"]


def test_resident_detail_shows_tags_house_and_household(api: Api):
    rid = _first_resident(api)
    detail = api.client.get(f"/api/residents/{rid}", headers=api.as_worker_a()).json()
    assert detail["tags"] == ["高龄", "独居"]
    assert detail["house"]["building"] == "1幢" and detail["house"]["safety_status"] == "安全"
    assert [m["relation_to_head"] for m in detail["household"]] == ["户主"]
    assert detail["household"][0]["name_masked"] == "𠮷*英"


def test_tags_are_replaced_and_each_change_is_in_her_history_with_who_did_it(api: Api):
    rid = _first_resident(api)
    answer = api.client.put(
        f"/api/residents/{rid}/tags", json={"tags": ["党员", "高龄"]}, headers=api.as_worker_a()
    )
    assert answer.status_code == 200
    assert answer.json()["tags"] == ["高龄", "党员"]  # in the vocabulary's order
    history = api.client.get(f"/api/residents/{rid}/history", headers=api.as_worker_a()).json()
    latest = [h for h in history if h["actor"] == "worker-a"]
    assert {(h["action"], h["entity"]) for h in latest} == {
        ("create", "residenttag"),
        ("delete", "residenttag"),
    }
    assert {h["changes"]["tag"][0] or h["changes"]["tag"][1] for h in latest} == {"党员", "独居"}


def test_history_names_encrypted_fields_without_their_values(api: Api):
    rid = _first_resident(api)
    history = api.client.get(f"/api/residents/{rid}/history", headers=api.as_worker_a()).json()
    created = next(h for h in history if h["entity"] == "resident" and h["action"] == "create")
    assert created["actor"] == "system"  # seeded by the demo, not by a person
    assert created["changes"]["name_enc"][1] == "（已修改，内容加密）"
    flat = str(history)
    assert "𠮷祥英" not in flat and "139" not in flat


def test_unknown_tag_is_refused_in_chinese(api: Api):
    rid = _first_resident(api)
    answer = api.client.put(
        f"/api/residents/{rid}/tags", json={"tags": ["外星人"]}, headers=api.as_worker_a()
    )
    assert answer.status_code == 422
    assert answer.json()["message"] == "未知标签：外星人"


def test_events_are_recorded_and_listed_by_month_for_the_community_only(api: Api):
    rid = _first_resident(api)
    today = date.today()
    created = api.client.post(
        "/api/events",
        json={
            "kind": "service",
            "title": "代领药品",
            "occurred_on": today.isoformat(),
            "resident_id": rid,
        },
        headers=api.as_worker_a(),
    )
    assert created.status_code == 201 and created.json()["recorded_by"] == "worker-a"
    month = today.strftime("%Y-%m")
    mine = api.client.get(f"/api/events?month={month}", headers=api.as_worker_a()).json()
    theirs = api.client.get(f"/api/events?month={month}", headers=api.as_worker_b()).json()
    assert "代领药品" in [e["title"] for e in mine]
    assert "代领药品" not in [e["title"] for e in theirs]
    timeline = api.client.get(f"/api/residents/{rid}", headers=api.as_worker_a()).json()["timeline"]
    assert "服务：代领药品" in [t["summary"] for t in timeline]


def test_bad_event_gets_field_errors_in_chinese(api: Api):
    # Tomorrow in China, as the hub judges dates: from 16:00 UTC the machine's day is a day behind.
    tomorrow = (beijing_today() + timedelta(days=1)).isoformat()
    bad_kind = api.client.post(
        "/api/events",
        json={"kind": "party", "title": "x", "occurred_on": "2026-02-30"},
        headers=api.as_worker_a(),
    )
    assert bad_kind.status_code == 422
    errors = bad_kind.json()["field_errors"]
    assert errors["kind"].startswith("事件类型应为")
    assert errors["title"] == "内容太短"
    assert errors["occurred_on"] == "日期格式应为 年-月-日"
    future = api.client.post(
        "/api/events",
        json={"kind": "visit", "title": "入户走访", "occurred_on": tomorrow},
        headers=api.as_worker_a(),
    )
    assert future.status_code == 422
    assert future.json()["field_errors"] == {"occurred_on": "发生日期不能晚于今天"}


def test_month_must_look_like_a_month(api: Api):
    answer = api.client.get("/api/events?month=november", headers=api.as_worker_a())
    assert answer.status_code == 422
    assert answer.json()["message"] == "月份格式应为 年-月，例如 2026-11"


def test_worker_registers_a_resident_and_corrects_her_phone(api: Api):
    from tests.factories import valid_id_number

    body = {
        "name": "𪚥玉凤",
        "id_number": valid_id_number("19400101", "2", 77),
        "phone": "13911112222",
    }
    created = api.client.post("/api/residents", json=body, headers=api.as_worker_a())
    assert created.status_code == 201
    rid = created.json()["id"]
    assert created.json()["name_masked"] == "𪚥*凤"
    again = api.client.post("/api/residents", json=body, headers=api.as_worker_a())
    assert again.status_code == 422 and again.json()["message"] == "该公民身份号码已登记"
    fixed = api.client.patch(
        f"/api/residents/{rid}", json={"phone": "13933334444"}, headers=api.as_worker_a()
    )
    assert fixed.status_code == 200
    bad = api.client.patch(
        f"/api/residents/{rid}", json={"phone": "123"}, headers=api.as_worker_a()
    )
    assert bad.status_code == 422 and bad.json()["message"] == "手机号码应为以1开头的11位数字"
    listed = api.client.get("/api/residents?q=𪚥玉凤", headers=api.as_worker_a()).json()
    assert [r["id"] for r in listed] == [rid]
    assert api.client.get("/api/residents?q=𪚥玉凤", headers=api.as_worker_b()).json() == []


def test_registering_into_another_communitys_household_is_404(api: Api):
    from sqlmodel import select

    from hub.store import Household, session_scope
    from tests.factories import valid_id_number

    with session_scope(api.state.engine) as session:
        theirs = session.exec(
            select(Household.id).where(Household.community_code == "320206104002")
        ).first()
    body = {
        "name": "张三",
        "id_number": valid_id_number("19500101", "1", 78),
        "household_id": theirs,
    }
    answer = api.client.post("/api/residents", json=body, headers=api.as_worker_a())
    assert answer.status_code == 404
