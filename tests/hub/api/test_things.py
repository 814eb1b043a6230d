"""Organizations and vehicles of a community: the API and the portal pages."""

from __future__ import annotations

import re

from hub.idcard import mask_name
from tests.hub.api.conftest import Api


def _names(api: Api, headers: dict[str, str]) -> set[str]:
    return {o["name"] for o in api.client.get("/api/organizations", headers=headers).json()}


def _plates(api: Api, headers: dict[str, str]) -> list[str]:
    return [v["plate_no"] for v in api.client.get("/api/vehicles", headers=headers).json()]


def test_organizations_are_registered_and_listed_per_community(api: Api):
    mine_before, theirs_before = _names(api, api.as_worker_a()), _names(api, api.as_worker_b())
    body = {"name": "玉祁社区书画社", "kind": "社会组织", "credit_code": "51320206mj1234567x"}
    created = api.client.post("/api/organizations", json=body, headers=api.as_worker_a())
    assert created.status_code == 201
    assert created.json()["credit_code"] == "51320206MJ1234567X"
    assert _names(api, api.as_worker_a()) - mine_before == {"玉祁社区书画社"}
    assert _names(api, api.as_worker_b()) == theirs_before
    assert "玉祁社区书画社" not in theirs_before


def test_bad_organization_fields_are_explained_in_chinese(api: Api):
    body = {"name": "某", "kind": "帮派", "credit_code": "123"}
    answer = api.client.post("/api/organizations", json=body, headers=api.as_worker_a())
    assert answer.status_code == 422
    errors = answer.json()["field_errors"]
    assert errors["kind"].startswith("组织类型应为")
    assert errors["credit_code"] == "统一社会信用代码应为18位数字或大写字母"
    assert errors["name"] == "内容太短"


def test_vehicles_take_normal_and_new_energy_plates_and_refuse_others(api: Api):
    before, theirs = _plates(api, api.as_worker_a()), _plates(api, api.as_worker_b())
    for plate in ("苏B12345", "苏b·d12345"):
        answer = api.client.post(
            "/api/vehicles", json={"plate_no": plate}, headers=api.as_worker_a()
        )
        assert answer.status_code == 201, plate
    assert _plates(api, api.as_worker_a()) == [*before, "苏B12345", "苏BD12345"]
    for plate in ("B12345", "苏I12345", "苏B1234"):
        answer = api.client.post(
            "/api/vehicles", json={"plate_no": plate}, headers=api.as_worker_a()
        )
        assert answer.status_code == 422, plate
    assert _plates(api, api.as_worker_b()) == theirs


def test_a_plate_is_registered_once_per_community(api: Api):
    first = api.client.post(
        "/api/vehicles", json={"plate_no": "苏B55555"}, headers=api.as_worker_a()
    )
    again = api.client.post(
        "/api/vehicles", json={"plate_no": "苏B 55555"}, headers=api.as_worker_a()
    )
    assert first.status_code == 201
    assert again.status_code == 422
    assert again.json()["field_errors"] == {"plate_no": "该车牌已在本社区登记"}
    assert _plates(api, api.as_worker_a()).count("苏B55555") == 1


# ---- the portal pages ---------------------------------------------------------------------


def test_portal_lists_the_communitys_organizations_only(api: Api):
    mine = api.client.get("/organizations", headers=api.as_worker_a())
    theirs = api.client.get("/organizations", headers=api.as_worker_b())
    assert mine.status_code == 200
    assert "玉祁社区老年协会" in mine.text and "玉祁社区老年协会" not in theirs.text
    assert "瑞星社区卫生服务站" in theirs.text and "瑞星社区卫生服务站" not in mine.text


def test_portal_registers_an_organization(api: Api):
    form = {"name": "玉祁社区志愿者服务队", "kind": "社会组织", "credit_code": "", "address": ""}
    answer = api.client.post(
        "/organizations", data=form, headers=api.as_worker_a(), follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/organizations?added=1"
    listed = api.client.get("/organizations?added=1", headers=api.as_worker_a())
    assert "玉祁社区志愿者服务队" in listed.text and "已登记" in listed.text


def test_portal_keeps_what_she_typed_and_explains_each_bad_field(api: Api):
    form = {"name": "玉祁棋牌室", "kind": "", "credit_code": "12345", "address": "玉祁路8号"}
    answer = api.client.post("/organizations", data=form, headers=api.as_worker_a())
    assert answer.status_code == 422
    assert "组织类型应为" in answer.text
    assert "统一社会信用代码应为18位数字或大写字母" in answer.text
    for typed in ("玉祁棋牌室", "12345", "玉祁路8号"):
        assert f'value="{typed}"' in answer.text
    assert "玉祁棋牌室" not in _names(api, api.as_worker_a())


def test_portal_registers_a_vehicle_with_its_owner_found_by_name(api: Api):
    form = {"plate_no": "苏B9X8Y7", "kind": "小型汽车", "owner": "𠮷祥英"}
    answer = api.client.post(
        "/vehicles", data=form, headers=api.as_worker_a(), follow_redirects=False
    )
    assert answer.status_code == 303
    listed = api.client.get("/vehicles", headers=api.as_worker_a())
    row = re.search(r"<tr><td>苏B9X8Y7</td>.*?</tr>", listed.text, re.S)
    assert row is not None
    assert mask_name("𠮷祥英") in row.group(0) and "𠮷祥英" not in row.group(0)
    owner = re.search(r'href="/residents/(\d+)"', row.group(0))
    assert owner is not None
    resident = api.client.get(f"/residents/{owner.group(1)}", headers=api.as_worker_a())
    assert "苏B9X8Y7（小型汽车）" in resident.text


def test_portal_refuses_an_owner_of_another_community_and_keeps_the_form(api: Api):
    # 唐素琴 lives in 瑞星社区; worker-a of 玉祁社区 cannot make her an owner.
    form = {"plate_no": "苏B1A2B3", "kind": "小型汽车", "owner": "唐素琴"}
    answer = api.client.post("/vehicles", data=form, headers=api.as_worker_a())
    assert answer.status_code == 422
    assert "本社区没有找到这位居民" in answer.text
    assert 'value="苏B1A2B3"' in answer.text
    assert "苏B1A2B3" not in _plates(api, api.as_worker_a())


def test_portal_asks_for_the_id_number_when_a_name_matches_several(api: Api):
    form = {"plate_no": "苏B1A2B4", "kind": "小型汽车", "owner": "英"}  # 𠮷祥英, 郭凤英…
    answer = api.client.post("/vehicles", data=form, headers=api.as_worker_a())
    assert answer.status_code == 422 and "请填写完整身份证号以确定车主" in answer.text


def test_portal_explains_a_bad_or_taken_plate(api: Api):
    bad = api.client.post("/vehicles", data={"plate_no": "B123"}, headers=api.as_worker_a())
    taken = api.client.post("/vehicles", data={"plate_no": "苏B3K2M7"}, headers=api.as_worker_a())
    assert bad.status_code == 422 and "车牌号格式应如" in bad.text
    assert taken.status_code == 422 and "该车牌已在本社区登记" in taken.text
