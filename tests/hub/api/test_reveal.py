"""Personal data in clear only for a community admin of her own community, with a reason,
and every reveal kept in her history."""

from __future__ import annotations

from hub.demo import demo_id_number
from tests.hub.api.conftest import Api

FIRST_ID = demo_id_number("19420315", "2", 10)  # 𠮷祥英, the first demo resident


def _admin(api: Api, community: str = "320206104001") -> dict[str, str]:
    return api.mint.headers("admin-a", roles=["worker", "community_admin"], community=community)


def _first(api: Api) -> int:
    return api.client.get("/api/residents", headers=api.as_worker_a()).json()[0]["id"]


def test_lists_and_details_show_masked_id_numbers(api: Api):
    rid = _first(api)
    listed = api.client.get("/api/residents", headers=_admin(api)).json()[0]
    detail = api.client.get(f"/api/residents/{rid}", headers=_admin(api)).json()
    for shown in (listed, detail):
        assert shown["id_number_masked"] == FIRST_ID[:4] + "*" * 10 + FIRST_ID[-4:]
        assert FIRST_ID not in str(shown)


def test_community_admin_sees_the_full_id_and_the_reveal_is_recorded(api: Api):
    rid = _first(api)
    answer = api.client.post(
        f"/api/residents/{rid}/reveal", json={"reason": "核对低保材料"}, headers=_admin(api)
    )
    assert answer.status_code == 200
    assert answer.json()["id_number"] == FIRST_ID
    history = api.client.get(f"/api/residents/{rid}/history", headers=api.as_worker_a()).json()
    reveals = [h for h in history if h["action"] == "reveal"]
    assert len(reveals) == 1
    assert reveals[0]["actor"] == "admin-a"
    assert reveals[0]["changes"]["reason"] == ["核对低保材料"]


def test_worker_without_admin_role_cannot_reveal_and_nothing_is_recorded(api: Api):
    rid = _first(api)
    answer = api.client.post(
        f"/api/residents/{rid}/reveal", json={"reason": "想看看"}, headers=api.as_worker_a()
    )
    assert answer.status_code == 403
    assert answer.json()["message"] == "查看完整信息需要社区管理员权限"
    history = api.client.get(f"/api/residents/{rid}/history", headers=api.as_worker_a()).json()
    assert not [h for h in history if h["action"] == "reveal"]


def test_admin_of_another_community_gets_404(api: Api):
    rid = _first(api)
    answer = api.client.post(
        f"/api/residents/{rid}/reveal",
        json={"reason": "核对材料"},
        headers=_admin(api, community="320206104002"),
    )
    assert answer.status_code == 404


def test_a_reveal_needs_a_reason(api: Api):
    rid = _first(api)
    answer = api.client.post(f"/api/residents/{rid}/reveal", json={}, headers=_admin(api))
    assert answer.status_code == 422
    assert answer.json()["field_errors"] == {"reason": "此项为必填项"}
