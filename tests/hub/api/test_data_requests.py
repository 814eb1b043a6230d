"""数据下发 through the portal: the street sends, each community completes its rows and reports,
the street follows progress and downloads the merged table; a questionnaire answered through its
link without an account."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from openpyxl import load_workbook
from sqlmodel import Session, select

from hub.demo import COMMUNITY_A, COMMUNITY_B
from hub.store import DataRequestRow
from hub.store._models_audit import AuditEntry
from tests.hub.api.conftest import Api

DEADLINE = (date.today() + timedelta(days=5)).isoformat()
ROW = {
    "address": "玉祁社区锦绣苑3幢2单元101室",
    "phone": "13812345678",
    "living_status": "alive",
    "living_arrangement": "spouse",
    "health": "good",
}


def _street(api: Api) -> dict[str, str]:
    token = api.mint.token(
        "street-viewer",
        roles=["street_viewer", "requester"],
        regions=["3202", "320206", "320206104"],
    )
    return {"Authorization": f"Bearer {token}"}


def _send(api: Api, form_id: str, *communities: str) -> str:
    sent = api.client.post(
        "/requests/new",
        data={
            "form_id": form_id,
            "deadline": DEADLINE,
            "note": "周五前",
            "communities": communities,
        },
        headers=_street(api),
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    return sent.headers["location"].removeprefix("/requests/")


def _row_links(page: str) -> list[str]:
    return re.findall(r'href="(/requests/[0-9a-f]{32}/rows/[0-9]+)"', page)


def _complete(api: Api, request_id: str, headers: dict[str, str]) -> int:
    """Complete every row as a worker does: save one, land on the next. Returns the rows saved."""
    page = api.client.get(f"/requests/{request_id}", headers=headers)
    link, saved = _row_links(page.text)[0], 0
    while True:
        saved += 1
        done = api.client.post(link, data=ROW, headers=headers, follow_redirects=False)
        assert done.status_code == 303
        link = done.headers["location"]
        if "rows" not in link:
            assert link.endswith("?notice=all-complete")
            return saved


def test_the_street_sends_only_collections_and_questionnaires_to_its_own_communities(api: Api):
    page = api.client.get("/requests/new", headers=_street(api))

    assert page.status_code == 200
    assert "数据收集：80周岁以上老人信息核对" in page.text
    assert "问卷：居家养老服务需求调查" in page.text
    assert "高龄津贴申请" not in page.text  # an application is filed, not sent down
    assert COMMUNITY_A.code in page.text and COMMUNITY_B.code in page.text

    nobody = api.client.post(
        "/requests/new",
        data={"form_id": "collect-elderly-80", "deadline": DEADLINE, "note": "保留这句说明"},
        headers=_street(api),
    )
    assert nobody.status_code == 422
    assert "请至少选择一个社区" in nobody.text and "保留这句说明" in nobody.text


def test_two_communities_complete_and_report_and_the_street_downloads_them_merged(api: Api):
    request_id = _send(api, "collect-elderly-80", COMMUNITY_A.code, COMMUNITY_B.code)
    progress = api.client.get(f"/requests/{request_id}", headers=_street(api))
    assert progress.text.count("未开始") == 2

    listed = api.client.get("/requests", headers=api.as_worker_a())
    assert "80周岁以上老人信息核对" in listed.text and "已填 0 / " in listed.text
    saved = {
        COMMUNITY_A.code: _complete(api, request_id, api.as_worker_a()),
        COMMUNITY_B.code: _complete(api, request_id, api.as_worker_b()),
    }
    early = api.client.get(f"/requests/{request_id}", headers=_street(api))
    assert early.text.count("填报中") == 2
    for headers in (api.as_worker_a(), api.as_worker_b()):
        reported = api.client.post(
            f"/requests/{request_id}/report", headers=headers, follow_redirects=False
        )
        assert reported.status_code == 303

    final = api.client.get(f"/requests/{request_id}", headers=_street(api))
    assert final.text.count("已上报") == 2
    download = api.client.get(f"/requests/{request_id}/export.xlsx", headers=_street(api))
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(download.content)).active
    assert sheet is not None
    places = [sheet.cell(row=r, column=1).value for r in range(3, sheet.max_row + 1)]
    assert places == ["玉祁社区"] * saved[COMMUNITY_A.code] + ["瑞星社区"] * saved[COMMUNITY_B.code]
    assert {sheet.cell(row=r, column=2).value for r in range(3, sheet.max_row + 1)} == {"已上报"}
    with Session(api.state.engine) as session:
        exports = session.exec(
            select(AuditEntry).where(AuditEntry.action == "data_request_export")
        ).all()
    assert [e.actor for e in exports] == ["street-viewer"]


def test_a_wrong_row_is_kept_and_explained_and_reporting_waits_for_it(api: Api):
    request_id = _send(api, "collect-elderly-80", COMMUNITY_A.code)
    page = api.client.get(f"/requests/{request_id}", headers=api.as_worker_a())
    first = _row_links(page.text)[0]

    wrong = api.client.post(
        first, data=ROW | {"phone": "1381234"}, headers=api.as_worker_a(), follow_redirects=False
    )
    assert wrong.status_code == 422
    assert "手机号码应为以1开头的11位数字" in wrong.text and 'value="1381234"' in wrong.text
    kept = api.client.get(first, headers=api.as_worker_a())
    assert 'value="1381234"' in kept.text  # saved as typed: nothing lost

    early = api.client.post(f"/requests/{request_id}/report", headers=api.as_worker_a())
    assert early.status_code == 422 and "行未填写完整，不能上报" in early.text
    # Another community's worker reaches neither the request nor its rows.
    assert api.client.get(first, headers=api.as_worker_b()).status_code == 404
    assert api.client.get(f"/requests/{request_id}", headers=api.as_worker_b()).status_code == 404


def test_residents_answer_a_questionnaire_without_an_account(api: Api):
    request_id = _send(api, "survey-home-care", COMMUNITY_A.code, COMMUNITY_B.code)
    page = api.client.get(f"/requests/{request_id}", headers=api.as_worker_b())
    [link] = re.findall(r'value="http[^"]*(/q/[0-9a-f]{32})"', page.text)

    blank = api.client.get(link)  # no Authorization: a resident on her phone
    assert blank.status_code == 200 and "居家养老服务需求调查" in blank.text
    key = re.findall(r'name="client_key" value="([^"]+)"', blank.text)[0]
    answers = {"age_band": "70-79", "lives_with": "spouse", "most_needed": "cleaning",
               "satisfaction": "5", "suggestions": "", "phone": "", "client_key": key}  # fmt: skip
    missing = api.client.post(link, data=answers | {"age_band": ""})
    assert missing.status_code == 422 and "请选择您的年龄段" in missing.text
    for _ in range(2):  # a double tap
        sent = api.client.post(link, data=answers, follow_redirects=False)
        assert sent.status_code == 303
    assert "提交成功" in api.client.get(sent.headers["location"]).text

    with Session(api.state.engine) as session:
        rows = session.exec(select(DataRequestRow)).all()
    assert [(r.community_code, r.complete) for r in rows] == [(COMMUNITY_B.code, True)]
    progress = api.client.get(f"/requests/{request_id}", headers=_street(api))
    assert "已收到 1 份" in progress.text and "已收到 0 份" in progress.text


def test_a_requester_without_a_region_may_neither_send_nor_see(api: Api):
    request_id = _send(api, "collect-elderly-80", COMMUNITY_A.code)
    token = api.mint.token("lost", roles=["requester"])  # in no street or district
    lost = {"Authorization": f"Bearer {token}"}

    for path in ("/requests/new", f"/requests/{request_id}/export.xlsx"):
        assert api.client.get(path, headers=lost).status_code == 403
    assert api.client.get(f"/requests/{request_id}", headers=lost).status_code == 403
    assert "80周岁以上" not in api.client.get("/requests", headers=lost).text
