"""The portal's 修改 pages: prefilled forms, saving, and on a mistake the form again with what she
typed and a Chinese message beside the bad field (422)."""

from __future__ import annotations

import re

from httpx import Response
from sqlmodel import select

from hub.store import (
    ChangeRecord,
    CommunityEvent,
    Household,
    Resident,
    resident_facts,
    session_scope,
)
from tests.hub.api.conftest import Api


def _first_resident(api: Api) -> int:
    return int(api.client.get("/api/residents", headers=api.as_worker_a()).json()[0]["id"])


def _post(api: Api, path: str, form: dict[str, str]) -> Response:
    return api.client.post(path, data=form, headers=api.as_worker_a(), follow_redirects=False)


def _value(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found is not None, name
    return found.group(1)


def _selected(html: str, name: str) -> str:
    select_html = re.search(rf'<select id="f-{name}" name="{name}".*?</select>', html, re.S)
    assert select_html is not None, name
    found = re.search(r'<option value="([^"]*)" selected>', select_html.group(0))
    assert found is not None, name
    return found.group(1)


def _error_beside(html: str, name: str) -> str:
    field = re.search(rf'<div class="field invalid">\s*<label for="f-{name}">.*?</div>', html, re.S)
    assert field is not None, f"no error shown beside {name}"
    message = re.search(r'<p class="field-error">(.*?)</p>', field.group(0))
    assert message is not None
    return message.group(1)


# ---- residents ----------------------------------------------------------------------------


def test_resident_form_is_prefilled_without_her_phone_in_clear(api: Api):
    rid = _first_resident(api)
    page = api.client.get(f"/residents/{rid}", headers=api.as_worker_a())
    assert f'href="/residents/{rid}/edit"' in page.text
    form = api.client.get(f"/residents/{rid}/edit", headers=api.as_worker_a())
    assert form.status_code == 200
    assert 'name="csrf_token"' in form.text
    assert _value(form.text, "name") == "𠮷祥英"
    assert _value(form.text, "relation_to_head") == "户主"
    assert _value(form.text, "phone") == ""
    with session_scope(api.state.engine) as session:
        resident = session.get(Resident, rid)
        assert resident is not None
        phone = resident_facts(session=session, cipher=api.state.cipher, resident=resident).phone
    assert phone and f"现登记 {phone[:3]}****{phone[-4:]}" in form.text
    assert phone not in form.text


def test_resident_form_saves_and_her_history_says_who(api: Api):
    rid = _first_resident(api)
    form = {"name": "𠮷祥英", "phone": "13955556666", "relation_to_head": "配偶"}
    answer = _post(api, f"/residents/{rid}/edit", form)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/residents/{rid}?saved=1"
    page = api.client.get(answer.headers["location"], headers=api.as_worker_a())
    assert "已保存" in page.text and "139****6666" in page.text
    history = api.client.get(f"/api/residents/{rid}/history", headers=api.as_worker_a()).json()
    latest = history[0]
    assert (latest["action"], latest["actor"]) == ("update", "worker-a")
    assert latest["changes"]["relation_to_head"] == ["户主", "配偶"]
    assert "name_enc" not in latest["changes"]  # the name was not changed


def test_a_corrected_name_is_in_her_history_by_name_only(api: Api):
    rid = _first_resident(api)
    form = {"name": "𠮷祥瑛", "phone": "", "relation_to_head": "户主"}
    assert _post(api, f"/residents/{rid}/edit", form).status_code == 303
    page = api.client.get(f"/residents/{rid}", headers=api.as_worker_a())
    assert "<h1>𠮷祥瑛</h1>" in page.text
    history = api.client.get(f"/api/residents/{rid}/history", headers=api.as_worker_a()).json()
    assert history[0]["changes"]["name_enc"][1] == "（已修改，内容加密）"
    assert "phone_enc" not in history[0]["changes"]  # left empty: kept
    assert "𠮷祥瑛" not in str(history) and "𠮷祥英" not in str(history)


def test_resident_form_keeps_what_she_typed_and_explains_each_bad_field(api: Api):
    rid = _first_resident(api)
    form = {"name": "", "phone": "12345", "relation_to_head": "女儿"}
    answer = _post(api, f"/residents/{rid}/edit", form)
    assert answer.status_code == 422
    assert _error_beside(answer.text, "name") == "此项不能为空"
    assert _error_beside(answer.text, "phone") == "手机号码应为以1开头的11位数字"
    assert _value(answer.text, "phone") == "12345"
    assert _value(answer.text, "relation_to_head") == "女儿"
    detail = api.client.get(f"/api/residents/{rid}", headers=api.as_worker_a()).json()
    assert detail["household"][0]["relation_to_head"] == "户主"


# ---- households and houses ----------------------------------------------------------------


def _household(api: Api) -> Household:
    with session_scope(api.state.engine) as session:
        row = session.exec(
            select(Household).where(Household.community_code == "320206104001")
        ).first()
    assert row is not None
    return row


def test_household_form_is_prefilled_and_saves(api: Api):
    household = _household(api)
    page = api.client.get(f"/households/{household.id}", headers=api.as_worker_a())
    assert f'href="/households/{household.id}/edit"' in page.text
    form = api.client.get(f"/households/{household.id}/edit", headers=api.as_worker_a())
    assert _value(form.text, "address") == household.address
    assert _selected(form.text, "household_type") == "家庭户"
    answer = _post(
        api,
        f"/households/{household.id}/edit",
        {"address": "玉祁社区1幢1单元102室", "household_type": "家庭户"},
    )
    assert answer.status_code == 303
    page = api.client.get(answer.headers["location"], headers=api.as_worker_a())
    assert "<h1>玉祁社区1幢1单元102室</h1>" in page.text and "已保存" in page.text


def test_household_form_explains_an_empty_address_and_an_unknown_type(api: Api):
    household = _household(api)
    answer = _post(
        api, f"/households/{household.id}/edit", {"address": "", "household_type": "大户"}
    )
    assert answer.status_code == 422
    assert _error_beside(answer.text, "address") == "此项不能为空"
    assert _error_beside(answer.text, "household_type") == "户类型应为：家庭户、集体户"
    assert _household(api).address == household.address


def test_house_form_sets_the_safety_status_from_a_select(api: Api):
    house_id = _household(api).house_id
    form = api.client.get(f"/houses/{house_id}/edit", headers=api.as_worker_a())
    assert form.status_code == 200
    assert (_selected(form.text, "safety_status"), _selected(form.text, "use")) == ("安全", "住宅")
    answer = _post(
        api,
        f"/houses/{house_id}/edit",
        {"use": "住宅", "ownership": "租赁", "safety_status": "C级危房"},
    )
    assert answer.status_code == 303
    house = api.client.get(f"/api/houses/{house_id}", headers=api.as_worker_a()).json()
    assert (house["ownership"], house["safety_status"]) == ("租赁", "C级危房")
    bad = _post(
        api, f"/houses/{house_id}/edit", {"use": "仓库", "ownership": "租赁", "safety_status": ""}
    )
    assert bad.status_code == 422
    assert _error_beside(bad.text, "use") == "房屋用途应为：住宅、商业、办公、其他"
    assert _error_beside(bad.text, "safety_status") == "此项不能为空"


# ---- organizations and vehicles -----------------------------------------------------------


def _organization_id(api: Api, name: str) -> int:
    rows = api.client.get("/api/organizations", headers=api.as_worker_a()).json()
    return int(next(o["id"] for o in rows if o["name"] == name))


def test_each_organization_row_links_to_its_form_which_saves(api: Api):
    oid = _organization_id(api, "无锡玉祁花园物业管理有限公司")
    listed = api.client.get("/organizations", headers=api.as_worker_a())
    assert f'href="/organizations/{oid}/edit"' in listed.text
    form = api.client.get(f"/organizations/{oid}/edit", headers=api.as_worker_a())
    assert _value(form.text, "credit_code") == "91320206MA1XK3QY2B"
    assert _selected(form.text, "kind") == "物业"
    answer = _post(
        api,
        f"/organizations/{oid}/edit",
        {"name": "无锡玉祁花园物业有限公司", "kind": "物业", "credit_code": "", "address": ""},
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/organizations?saved=1"
    one = api.client.get(f"/api/organizations/{oid}", headers=api.as_worker_a()).json()
    assert one == {
        "id": oid,
        "name": "无锡玉祁花园物业有限公司",
        "kind": "物业",
        "credit_code": None,
        "address": None,
    }


def test_organization_form_keeps_what_she_typed(api: Api):
    oid = _organization_id(api, "玉祁社区老年协会")
    form = {
        "name": "玉祁社区老年协会",
        "kind": "社会组织",
        "credit_code": "12345",
        "address": "二楼",
    }
    answer = _post(api, f"/organizations/{oid}/edit", form)
    assert answer.status_code == 422
    assert _error_beside(answer.text, "credit_code") == "统一社会信用代码应为18位数字或大写字母"
    assert _value(answer.text, "credit_code") == "12345"
    assert _value(answer.text, "address") == "二楼"


def test_an_organization_is_removed_from_its_form_on_record(api: Api):
    oid = _organization_id(api, "玉祁便民理发店")
    form = api.client.get(f"/organizations/{oid}/edit", headers=api.as_worker_a())
    assert f'action="/organizations/{oid}/delete"' in form.text
    answer = _post(api, f"/organizations/{oid}/delete", {})
    assert answer.status_code == 303
    listed = api.client.get(answer.headers["location"], headers=api.as_worker_a())
    assert "已注销" in listed.text and "玉祁便民理发店" not in listed.text
    with session_scope(api.state.engine) as session:
        record = session.exec(
            select(ChangeRecord).where(
                ChangeRecord.entity == "organization",
                ChangeRecord.entity_id == str(oid),
                ChangeRecord.action == "delete",
            )
        ).one()
    assert record.actor == "worker-a" and "玉祁便民理发店" in record.changes


def test_a_vehicle_gets_a_new_owner_found_by_name(api: Api):
    car = next(
        v
        for v in api.client.get("/api/vehicles", headers=api.as_worker_a()).json()
        if v["plate_no"] == "苏B3K2M7"
    )
    listed = api.client.get("/vehicles", headers=api.as_worker_a())
    assert f'href="/vehicles/{car["id"]}/edit"' in listed.text
    nobody = _post(api, f"/vehicles/{car['id']}/edit", {"kind": "小型汽车", "owner": "唐素琴"})
    assert nobody.status_code == 422
    assert _error_beside(nobody.text, "owner").startswith("本社区没有找到这位居民")
    assert _value(nobody.text, "owner") == "唐素琴"
    answer = _post(api, f"/vehicles/{car['id']}/edit", {"kind": "货车", "owner": "𠮷祥英"})
    assert answer.status_code == 303
    after = next(
        v
        for v in api.client.get("/api/vehicles", headers=api.as_worker_a()).json()
        if v["id"] == car["id"]
    )
    assert after["kind"] == "货车" and after["owner_resident_id"] == _first_resident(api)
    assert _post(api, f"/vehicles/{car['id']}/delete", {}).status_code == 303
    assert "苏B3K2M7" not in api.client.get("/vehicles", headers=api.as_worker_a()).text


# ---- events on the timeline ---------------------------------------------------------------


def _event_of(api: Api, rid: int) -> int:
    body = {"kind": "complaint", "title": "楼道灯坏了", "occurred_on": "2026-01-05"}
    created = api.client.post(
        "/api/events", json=body | {"resident_id": rid}, headers=api.as_worker_a()
    )
    return int(created.json()["id"])


def _status(api: Api, event_id: int) -> str:
    with session_scope(api.state.engine) as session:
        event = session.get(CommunityEvent, event_id)
        assert event is not None
        return event.status


def test_an_event_is_closed_and_reopened_from_the_timeline(api: Api):
    rid = _first_resident(api)
    event_id = _event_of(api, rid)
    page = api.client.get(f"/residents/{rid}", headers=api.as_worker_a())
    assert f'action="/events/{event_id}/status"' in page.text
    assert f'href="/events/{event_id}/edit?back=/residents/{rid}"' in page.text
    form = {"status": "closed", "back": f"/residents/{rid}"}
    closed = _post(api, f"/events/{event_id}/status", form)
    assert closed.status_code == 303 and closed.headers["location"] == f"/residents/{rid}#timeline"
    assert _status(api, event_id) == "closed"
    page = api.client.get(f"/residents/{rid}", headers=api.as_worker_a())
    entry = re.search(rf"<li>(?:(?!</li>).)*?/events/{event_id}/status.*?</li>", page.text, re.S)
    assert entry is not None and "已办结" in entry.group(0) and "重新打开" in entry.group(0)
    reopened = _post(api, f"/events/{event_id}/status", {"status": "open", "back": "https://x.cn"})
    assert reopened.headers["location"] == f"/residents/{rid}#timeline"  # never elsewhere
    assert _status(api, event_id) == "open"


def test_event_form_is_prefilled_saves_and_returns_to_the_timeline(api: Api):
    rid = _first_resident(api)
    event_id = _event_of(api, rid)
    household_id = _household(api).id
    path = f"/events/{event_id}/edit"
    form = api.client.get(f"{path}?back=/households/{household_id}", headers=api.as_worker_a())
    assert form.status_code == 200
    assert _value(form.text, "title") == "楼道灯坏了"
    assert _value(form.text, "occurred_on") == "2026-01-05"
    assert _selected(form.text, "status") == "open"
    assert _value(form.text, "back") == f"/households/{household_id}"
    answer = _post(
        api,
        path,
        {
            "title": "三楼楼道灯坏了",
            "detail": "已报物业维修",
            "occurred_on": "2026-01-05",
            "status": "closed",
            "back": f"/households/{household_id}",
        },
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/households/{household_id}?saved=1#timeline"
    household = api.client.get(f"/api/households/{household_id}", headers=api.as_worker_a())
    entry = next(t for t in household.json()["timeline"] if t["event_id"] == event_id)
    assert (entry["summary"], entry["event_status"]) == ("投诉：三楼楼道灯坏了", "closed")


def test_event_form_keeps_what_she_typed_on_a_mistake(api: Api):
    rid = _first_resident(api)
    event_id = _event_of(api, rid)
    typed = {"title": "灯", "detail": "三楼", "occurred_on": "2099-01-01", "status": "open"}
    answer = _post(api, f"/events/{event_id}/edit", typed)
    assert answer.status_code == 422
    assert _error_beside(answer.text, "title") == "内容太短"
    assert _value(answer.text, "title") == "灯"
    assert "三楼</textarea>" in answer.text
    future = _post(api, f"/events/{event_id}/edit", typed | {"title": "楼道灯坏了"})
    assert future.status_code == 422
    assert _error_beside(future.text, "occurred_on") == "发生日期不能晚于今天"
    assert _value(future.text, "occurred_on") == "2099-01-01"


# ---- scope ----------------------------------------------------------------------------------


def test_another_communitys_forms_are_not_found(api: Api):
    rid = _first_resident(api)
    household = _household(api)
    event_id = _event_of(api, rid)
    oid = _organization_id(api, "玉祁社区老年协会")
    vid = api.client.get("/api/vehicles", headers=api.as_worker_a()).json()[0]["id"]
    paths = [
        f"/residents/{rid}/edit",
        f"/households/{household.id}/edit",
        f"/houses/{household.house_id}/edit",
        f"/events/{event_id}/edit",
        f"/organizations/{oid}/edit",
        f"/vehicles/{vid}/edit",
    ]
    posts = [
        *paths,
        f"/events/{event_id}/status",
        f"/organizations/{oid}/delete",
        f"/vehicles/{vid}/delete",
    ]
    worker_b = api.as_worker_b()
    for path in paths:
        assert api.client.get(path, headers=worker_b).status_code == 404, path
    for path in posts:
        answer = api.client.post(path, data={"status": "closed", "name": "x"}, headers=worker_b)
        assert answer.status_code == 404, path
    assert _status(api, event_id) == "open"
    assert _organization_id(api, "玉祁社区老年协会") == oid
