"""Reports through the API and the portal: list, run, download; each worker her own community."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from hub.demo import COMMUNITY_A, COMMUNITY_B
from hub.reports import beijing_today
from hub.store import House, Household, Resident, session_scope
from tests.hub.api.conftest import Api

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def aged_80_by_building(api: Api, community: str) -> dict[str, int]:
    today = beijing_today()
    with session_scope(api.state.engine) as session:
        rows = session.exec(
            select(Resident, House)
            .where(Resident.household_id == Household.id, Household.house_id == House.id)
            .where(Resident.community_code == community)
        )
        return dict(
            Counter(
                house.building
                for r, house in rows
                if (today.year - r.birth_date.year)
                - ((today.month, today.day) < (r.birth_date.month, r.birth_date.day))
                >= 80
            )
        )


def test_reports_are_listed_with_chinese_titles(api: Api):
    answer = api.client.get("/api/reports", headers=api.as_worker_a())
    assert answer.status_code == 200
    listed = {r["id"]: r for r in answer.json()}
    assert listed["elderly-80-by-building"]["title"] == "80周岁以上老人（按楼栋）"
    assert listed["monthly-ledger"]["params"] == ["month"]
    assert {"households-by-type", "house-safety", "key-people"} <= set(listed)


def test_each_worker_gets_her_own_communitys_numbers(api: Api):
    for headers, code, name in [
        (api.as_worker_a(), COMMUNITY_A.code, "玉祁社区"),
        (api.as_worker_b(), COMMUNITY_B.code, "瑞星社区"),
    ]:
        answer = api.client.get("/api/reports/elderly-80-by-building", headers=headers)
        assert answer.status_code == 200
        body = answer.json()
        assert body["community_name"] == name and body["community_code"] == code
        assert {b: n for b, n in body["rows"]} == aged_80_by_building(api, code)
    assert aged_80_by_building(api, COMMUNITY_A.code) != aged_80_by_building(api, COMMUNITY_B.code)


def test_key_people_of_another_community_are_not_in_her_list(api: Api):
    mine = api.client.get("/api/reports/key-people", headers=api.as_worker_b()).json()
    names = [row[1] for row in mine["rows"]]
    assert "𠮷*英" not in names and "邓*仙" in names  # 邓凤仙: 瑞星社区, 独居


def test_download_is_an_xlsx_named_in_chinese(api: Api):
    answer = api.client.get("/api/reports/elderly-80-by-building.xlsx", headers=api.as_worker_a())
    assert answer.status_code == 200
    assert answer.headers["content-type"] == XLSX
    name = f"玉祁社区_80周岁以上老人_{beijing_today().isoformat()}.xlsx"
    disposition = answer.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=")
    assert f"filename*=UTF-8''{quote(name)}" in disposition
    ws = load_workbook(io.BytesIO(answer.content)).active
    assert ws is not None
    assert [c.value for c in ws[2]] == ["楼栋", "80周岁以上人数"]
    assert "玉祁社区" in str(ws["A1"].value)


def test_ledger_has_an_event_recorded_through_the_api(api: Api):
    rid = api.client.get("/api/residents", headers=api.as_worker_a()).json()[0]["id"]
    today = date.today()  # what the events API measures "not in the future" against
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
    assert created.status_code == 201
    month = today.strftime("%Y-%m")
    mine = api.client.get(f"/api/reports/monthly-ledger?month={month}", headers=api.as_worker_a())
    theirs = api.client.get(f"/api/reports/monthly-ledger?month={month}", headers=api.as_worker_b())
    assert mine.json()["month"] == month
    assert [today.isoformat(), "服务", "代领药品", "𠮷*英", "worker-a", "办理中"] in mine.json()[
        "rows"
    ]
    assert "代领药品" not in theirs.text
    xlsx = api.client.get(
        f"/api/reports/monthly-ledger.xlsx?month={month}", headers=api.as_worker_a()
    )
    year, mon = month.split("-")
    assert quote(f"月度工作台账_{year}年{int(mon)}月") in xlsx.headers["content-disposition"]


def test_unknown_report_is_not_found(api: Api):
    for path in ("/api/reports/no-such-report", "/api/reports/no-such-report.xlsx"):
        answer = api.client.get(path, headers=api.as_worker_a())
        assert answer.status_code == 404
        assert answer.json()["error"] == "NotFound"


def test_bad_month_is_refused_in_chinese(api: Api):
    answer = api.client.get("/api/reports/monthly-ledger?month=2026-13", headers=api.as_worker_a())
    assert answer.status_code == 422
    assert answer.json()["message"] == "月份格式应为 年-月，例如 2026-11"


@pytest.mark.parametrize(
    "path", ["/api/reports", "/api/reports/key-people", "/api/reports/key-people.xlsx"]
)
def test_no_token_no_report(api: Api, path: str):
    assert api.client.get(path).status_code == 401


def test_only_workers_run_reports(api: Api):
    answer = api.client.get("/api/reports/key-people", headers=api.as_operator())
    assert answer.status_code == 403


def test_portal_lists_reports_with_download_buttons_and_a_month_picker(api: Api):
    page = api.client.get("/reports", headers=api.as_worker_a())
    assert page.status_code == 200
    assert "80周岁以上老人（按楼栋）" in page.text
    assert 'href="/api/reports/house-safety.xlsx"' in page.text
    assert 'formaction="/api/reports/monthly-ledger.xlsx"' in page.text
    assert 'type="month"' in page.text


def test_portal_shows_a_report_masked(api: Api):
    page = api.client.get("/reports/key-people", headers=api.as_worker_a())
    assert page.status_code == 200
    assert "𠮷*英" in page.text and "𠮷祥英" not in page.text
    assert "重点人群名单（按标签）" in page.text
