"""Households and houses: who lives there and everything that happened for any of them."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from hub.store import House, Household, session_scope
from tests.hub.api.conftest import Api


def _household_of_first(api: Api) -> tuple[int, int, int]:
    rid = api.client.get("/api/residents", headers=api.as_worker_a()).json()[0]["id"]
    with session_scope(api.state.engine) as session:
        household = session.exec(
            select(Household).join(House).where(House.building == "1幢")
        ).first()
        assert household is not None and household.house_id is not None
        return rid, household.id or 0, household.house_id


def test_household_and_house_show_members_and_a_merged_timeline(api: Api):
    rid, household_id, house_id = _household_of_first(api)
    today = date.today().isoformat()
    for body in (
        {"kind": "service", "title": "代领药品", "occurred_on": today, "resident_id": rid},
        {"kind": "visit", "title": "户内走访", "occurred_on": today, "household_id": household_id},
        {"kind": "service", "title": "房屋安全排查", "occurred_on": today, "house_id": house_id},
    ):
        assert (
            api.client.post("/api/events", json=body, headers=api.as_worker_a()).status_code == 201
        )
    household = api.client.get(f"/api/households/{household_id}", headers=api.as_worker_a())
    house = api.client.get(f"/api/houses/{house_id}", headers=api.as_worker_a())
    assert household.status_code == 200 and house.status_code == 200
    assert [m["resident_id"] for m in household.json()["members"]] == [rid]
    household_lines = {t["summary"] for t in household.json()["timeline"]}
    house_lines = {t["summary"] for t in house.json()["timeline"]}
    assert {"服务：代领药品", "走访：户内走访"} <= household_lines
    assert "服务：房屋安全排查" not in household_lines  # about the house, not the household
    assert {"服务：代领药品", "走访：户内走访", "服务：房屋安全排查"} <= house_lines
    assert house.json()["households"] == [household_id]


def test_another_communitys_household_house_and_events_on_them_are_404(api: Api):
    _, household_id, house_id = _household_of_first(api)
    worker_b = api.as_worker_b()
    assert api.client.get(f"/api/households/{household_id}", headers=worker_b).status_code == 404
    assert api.client.get(f"/api/houses/{house_id}", headers=worker_b).status_code == 404
    for key, value in (("household_id", household_id), ("house_id", house_id)):
        body = {"kind": "visit", "title": "入户走访", "occurred_on": "2026-01-05", key: value}
        assert api.client.post("/api/events", json=body, headers=worker_b).status_code == 404
