"""Organizations and vehicles of a community."""

from __future__ import annotations

from tests.hub.api.conftest import Api


def test_organizations_are_registered_and_listed_per_community(api: Api):
    body = {"name": "玉祁社区老年协会", "kind": "社会组织", "credit_code": "51320206mj1234567x"}
    created = api.client.post("/api/organizations", json=body, headers=api.as_worker_a())
    assert created.status_code == 201
    assert created.json()["credit_code"] == "51320206MJ1234567X"
    mine = api.client.get("/api/organizations", headers=api.as_worker_a()).json()
    theirs = api.client.get("/api/organizations", headers=api.as_worker_b()).json()
    assert [o["name"] for o in mine] == ["玉祁社区老年协会"] and theirs == []


def test_bad_organization_fields_are_explained_in_chinese(api: Api):
    body = {"name": "某", "kind": "帮派", "credit_code": "123"}
    answer = api.client.post("/api/organizations", json=body, headers=api.as_worker_a())
    assert answer.status_code == 422
    errors = answer.json()["field_errors"]
    assert errors["kind"].startswith("组织类型应为")
    assert errors["credit_code"] == "统一社会信用代码应为18位数字或大写字母"
    assert errors["name"] == "内容太短"


def test_vehicles_take_normal_and_new_energy_plates_and_refuse_others(api: Api):
    for plate in ("苏B12345", "苏b·d12345"):
        answer = api.client.post(
            "/api/vehicles", json={"plate_no": plate}, headers=api.as_worker_a()
        )
        assert answer.status_code == 201, plate
    assert [
        v["plate_no"] for v in api.client.get("/api/vehicles", headers=api.as_worker_a()).json()
    ] == [
        "苏B12345",
        "苏BD12345",
    ]
    for plate in ("B12345", "苏I12345", "苏B1234"):
        answer = api.client.post(
            "/api/vehicles", json={"plate_no": plate}, headers=api.as_worker_a()
        )
        assert answer.status_code == 422, plate
    assert api.client.get("/api/vehicles", headers=api.as_worker_b()).json() == []
