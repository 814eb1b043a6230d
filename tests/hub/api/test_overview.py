"""Street and district viewers see figures per community, never people; workers see their own."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from hub.idcard import age_on
from hub.store import Resident, session_scope
from tests.hub.api.conftest import Api


def _viewer(api: Api, role: str, region: str) -> dict[str, str]:
    token = api.mint.token(f"{role}-1", roles=[role], regions=[region, region[:6], region[:4]])
    return {"Authorization": f"Bearer {token}"}


def _aged_80_plus(api: Api, community: str) -> int:
    with session_scope(api.state.engine) as session:
        people = session.exec(select(Resident).where(Resident.community_code == community))
        return sum(age_on(r.birth_date, date.today()) >= 80 for r in people)


def test_street_viewer_sees_both_communities_of_her_street_as_counts(api: Api):
    answer = api.client.get("/api/overview", headers=_viewer(api, "street_viewer", "320206104"))
    assert answer.status_code == 200
    figures = {f["name"]: f for f in answer.json()}
    assert set(figures) == {"玉祁社区", "瑞星社区"}
    assert figures["玉祁社区"]["residents"] == 22 and figures["瑞星社区"]["residents"] == 23
    assert figures["玉祁社区"]["aged_80_plus"] == _aged_80_plus(api, "320206104001")
    assert figures["玉祁社区"]["events_this_month"] == 2  # the demo's visit and service
    assert "𠮷" not in answer.text and "3202061942" not in answer.text


def test_viewer_of_another_street_sees_nothing(api: Api):
    answer = api.client.get("/api/overview", headers=_viewer(api, "street_viewer", "320206105"))
    assert answer.status_code == 200 and answer.json() == []


def test_street_viewer_cannot_open_residents(api: Api):
    headers = _viewer(api, "street_viewer", "320206104")
    assert api.client.get("/api/residents", headers=headers).status_code == 403


def test_worker_sees_only_her_own_community(api: Api):
    answer = api.client.get("/api/overview", headers=api.as_worker_b())
    assert [f["name"] for f in answer.json()] == ["瑞星社区"]


def test_operator_without_region_is_forbidden(api: Api):
    assert api.client.get("/api/overview", headers=api.as_operator()).status_code == 403
