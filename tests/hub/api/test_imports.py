"""Importing a ledger through the API and the portal, as a worker of one community."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from datetime import timedelta

import pytest
from httpx import Response
from sqlalchemy import event, func
from sqlmodel import Session, select

from hub.auth import COOKIE, open_session
from hub.demo import COMMUNITY_A, COMMUNITY_B, demo_id_number
from hub.store import (
    ChangeRecord,
    House,
    Household,
    Resident,
    ResidentCreate,
    create_resident,
    imports,
    session_scope,
)
from identity import Principal
from tests.factories import valid_id_number
from tests.hub.api.conftest import Api

#: 𠮷祥英, the first demo resident of 玉祁社区 (worker-a's community)
JI_OF_A = demo_id_number("19420315", "2", 10)
NEW = valid_id_number("19500101", "1", 41)
NEW_2 = valid_id_number("19520202", "2", 42)
BAD = NEW[:17] + ("0" if NEW[17] != "0" else "1")
HEADERS = ["姓名", "身份证号", "手机", "楼号", "单元", "室", "与户主关系", "标签"]


def ledger(*rows: list[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADERS, *rows])
    return buffer.getvalue().encode()


def upload(data: bytes, name: str = "台账.csv") -> dict:
    return {"file": (name, data, "text/csv")}


def job_of(answer: Response) -> str:
    """The id of the job a 202 started."""
    assert answer.status_code == 202, answer.text
    job_id = answer.json()["job_id"]
    assert answer.headers["location"] == f"/api/imports/jobs/{job_id}"
    return job_id


def finished(api: Api, job_id: str) -> dict:
    """The job polled until it ends, as worker-a (bounded: a stuck job fails the test)."""
    for _ in range(1000):
        job = api.client.get(f"/api/imports/jobs/{job_id}", headers=api.as_worker_a()).json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.02)
    raise AssertionError(f"import job still {job['state']}")


def household_count(api: Api) -> int:
    with Session(api.state.engine) as session:
        return session.exec(select(func.count()).select_from(Household)).one()


def resident_count(api: Api) -> tuple[int, int]:
    with Session(api.state.engine) as session:
        return (
            session.exec(select(func.count()).select_from(Resident)).one(),
            session.exec(select(func.count()).select_from(ChangeRecord)).one(),
        )


GOOD = ledger(
    ["赵一", NEW, "13912345678", "9幢", "1单元", "101室", "户主", "党员"],
    ["钱二", NEW_2, "", "9幢", "1单元", "101室", "配偶", ""],
)


def test_preview_shows_columns_mapping_and_masked_rows(api: Api):
    answer = api.client.post(
        "/api/imports/residents/preview", files=upload(GOOD), headers=api.as_worker_a()
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["headers"] == HEADERS and body["total_rows"] == 2
    assert body["mapping"]["id_number"] == "身份证号" and body["mapping"]["room"] == "室"
    assert body["rows"][0]["row"] == 2
    assert body["rows"][0]["values"]["id_number"] == NEW[:4] + "**********" + NEW[-4:]
    assert NEW not in answer.text and NEW_2 not in answer.text


def test_check_reports_new_unchanged_and_bad_rows_without_writing(api: Api):
    before = resident_count(api)
    data = ledger(
        ["赵一", NEW, "", "", "", "", "", ""],
        ["𠮷祥英", JI_OF_A, "", "", "", "", "", "高龄、独居"],
        ["孙三", BAD, "", "", "", "", "", ""],
    )
    answer = api.client.post(
        "/api/imports/residents/check", files=upload(data), headers=api.as_worker_a()
    )
    assert answer.status_code == 200
    assert answer.json() == {
        "total_rows": 3,
        "to_create": 1,
        "to_update": 0,
        "unchanged": 1,
        "errors": [{"row": 4, "reasons": ["公民身份号码校验位错误"]}],
    }
    assert resident_count(api) == before


def test_import_creates_residents_recorded_as_the_worker(api: Api):
    answer = api.client.post(
        "/api/imports/residents", files=upload(GOOD), headers=api.as_worker_a()
    )
    assert answer.json() == {"job_id": answer.json()["job_id"], "state": "queued"}
    job = finished(api, job_of(answer))
    assert (job["state"], job["done"], job["total"], job["error"]) == ("done", 2, 2, None)
    assert job["result"] == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "households_created": 1,
        "skipped": [],
    }
    found = api.client.get(f"/api/residents?q={NEW}", headers=api.as_worker_a()).json()
    assert [r["name_masked"] for r in found] == ["赵*"]
    detail = api.client.get(f"/api/residents/{found[0]['id']}", headers=api.as_worker_a()).json()
    assert detail["tags"] == ["党员"] and detail["house"]["room"] == "101室"
    history = api.client.get(
        f"/api/residents/{found[0]['id']}/history", headers=api.as_worker_a()
    ).json()
    assert {h["actor"] for h in history} == {"worker-a"}
    again = api.client.post("/api/imports/residents", files=upload(GOOD), headers=api.as_worker_a())
    result = finished(api, job_of(again))["result"]
    assert (result["created"], result["unchanged"]) == (0, 2)


def test_import_with_a_bad_row_is_refused_whole_listing_the_row(api: Api):
    before = resident_count(api)
    data = ledger(["赵一", NEW, "", "", "", "", "", ""], ["孙三", BAD, "", "", "", "", "", ""])
    answer = api.client.post(
        "/api/imports/residents", files=upload(data), headers=api.as_worker_a()
    )
    assert answer.status_code == 422
    body = answer.json()
    assert body["error"] == "ImportRejected"
    assert "未导入任何数据" in body["message"]
    assert body["field_errors"] == {"第3行": "公民身份号码校验位错误"}
    assert resident_count(api) == before
    with Session(api.state.engine) as session:  # refused before any job started
        assert session.exec(select(func.count()).select_from(imports.ImportJob)).one() == 0


def test_skip_bad_rows_imports_the_others(api: Api):
    data = ledger(["赵一", NEW, "", "", "", "", "", ""], ["孙三", BAD, "", "", "", "", "", ""])
    answer = api.client.post(
        "/api/imports/residents",
        files=upload(data),
        data={"skip_bad_rows": "true"},
        headers=api.as_worker_a(),
    )
    job = finished(api, job_of(answer))
    assert (job["state"], job["done"], job["total"], job["result"]["created"]) == ("done", 1, 1, 1)
    assert job["result"]["skipped"] == [{"row": 3, "reasons": ["公民身份号码校验位错误"]}]


def test_an_import_losing_a_race_for_a_new_resident_fails_its_job_and_writes_nothing(api: Api):
    raced = False

    def the_other_import_commits_first(session: Session, *_: object) -> None:
        # Runs as worker-a's import is about to write its first house (SQLite would make the
        # other wait for it afterwards): the other stores one of the same new people first.
        nonlocal raced
        writing = any(isinstance(o, House | Resident) for o in session.new)
        if raced or not writing or session.info.get("actor") != "worker-a":
            return
        raced = True
        with session_scope(api.state.engine, actor="worker-other") as other:
            data = ResidentCreate(name="赵一", id_number=NEW)
            create_resident(
                session=other, cipher=api.state.cipher, data=data, community=COMMUNITY_A.code
            )

    residents, _ = resident_count(api)
    households = household_count(api)
    event.listen(Session, "before_flush", the_other_import_commits_first)
    try:
        answer = api.client.post(
            "/api/imports/residents", files=upload(GOOD), headers=api.as_worker_a()
        )
        job = finished(api, job_of(answer))
    finally:
        event.remove(Session, "before_flush", the_other_import_commits_first)
    assert raced and (job["state"], job["result"]) == ("failed", None)
    assert job["error"] == {
        "error": "Conflict",
        "message": "同一批居民正在被其他人导入，请稍后重试",
        "field_errors": {},
    }
    assert resident_count(api)[0] == residents + 1  # hers; none of this import's
    assert household_count(api) == households
    again = api.client.post("/api/imports/residents", files=upload(GOOD), headers=api.as_worker_a())
    result = finished(api, job_of(again))["result"]
    assert (result["created"], result["unchanged"]) == (1, 0)


def test_a_job_is_seen_by_its_community_only(api: Api):
    answer = api.client.post(
        "/api/imports/residents", files=upload(GOOD), headers=api.as_worker_a()
    )
    job = finished(api, job_of(answer))
    url = answer.headers["location"]
    other = api.client.get(url, headers=api.as_worker_b())
    assert other.status_code == 404 and other.json()["error"] == "NotFound"
    assert job["job_id"] not in other.text
    assert api.client.get(url, headers=api.as_operator()).status_code == 403
    assert api.client.get(url).status_code == 401
    unknown = api.client.get("/api/imports/jobs/" + "0" * 32, headers=api.as_worker_a())
    assert unknown.status_code == 404
    # worker-b's own import of the same people is hers to see, and refused row by row
    mine = api.client.post("/api/imports/residents", files=upload(GOOD), headers=api.as_worker_b())
    assert mine.status_code == 422 and len(mine.json()["field_errors"]) == 2


def test_another_communitys_resident_is_refused_without_naming_the_community(
    api: Api,
):
    data = ledger(["𠮷祥英", JI_OF_A, "13900000000", "", "", "", "", ""])
    check = api.client.post(
        "/api/imports/residents/check", files=upload(data), headers=api.as_worker_b()
    )
    assert check.json()["errors"] == [
        {"row": 2, "reasons": ["该公民身份号码已在其他社区登记，请与街道核实"]}
    ]
    refused = api.client.post(
        "/api/imports/residents", files=upload(data), headers=api.as_worker_b()
    )
    assert refused.status_code == 422
    for text in (check.text, refused.text):
        assert COMMUNITY_A.name not in text and COMMUNITY_A.code not in text
    # and her record in 玉祁社区 is as it was
    mine = api.client.get(f"/api/residents?q={JI_OF_A}", headers=api.as_worker_a()).json()
    assert len(mine) == 1


def test_a_mapping_can_name_unusual_columns(api: Api):
    data = f"名,证件\r\n赵一,{NEW}\r\n".encode("gbk")
    missing = api.client.post(
        "/api/imports/residents/check", files=upload(data), headers=api.as_worker_a()
    )
    assert missing.status_code == 422
    assert missing.json()["field_errors"].keys() == {"name", "id_number"}
    mapping = json.dumps({"name": "名", "id_number": "证件"}, ensure_ascii=False)
    answer = api.client.post(
        "/api/imports/residents/check",
        files=upload(data),
        data={"mapping": mapping},
        headers=api.as_worker_a(),
    )
    assert answer.status_code == 200 and answer.json()["to_create"] == 1
    bad = api.client.post(
        "/api/imports/residents/check",
        files=upload(data),
        data={"mapping": "[1, 2]"},
        headers=api.as_worker_a(),
    )
    assert bad.status_code == 422 and "mapping" in bad.json()["field_errors"]


def test_an_empty_or_foreign_file_is_refused_in_chinese(api: Api):
    empty = api.client.post(
        "/api/imports/residents/check", files=upload(b""), headers=api.as_worker_a()
    )
    assert empty.status_code == 422 and empty.json()["message"] == "文件是空的"
    word = api.client.post(
        "/api/imports/residents/preview", files=upload(b"x", "a.docx"), headers=api.as_worker_a()
    )
    assert word.status_code == 422 and "只能导入" in word.json()["message"]


@pytest.mark.parametrize("path", ["preview", "check", ""])
def test_imports_need_a_worker_token(api: Api, path: str):
    url = f"/api/imports/residents/{path}".rstrip("/")
    assert api.client.post(url, files=upload(GOOD)).status_code == 401
    assert api.client.post(url, files=upload(GOOD), headers=api.as_operator()).status_code == 403


# ---- the portal page ----------------------------------------------------------------------


def test_portal_upload_check_then_import(api: Api):
    page = api.client.get("/imports/residents", headers=api.as_worker_a())
    assert page.status_code == 200 and 'type="file"' in page.text and "csrf_token" in page.text
    data = ledger(
        ["赵一", NEW, "", "9幢", "1单元", "101室", "", ""], ["孙三", BAD, "", "", "", "", "", ""]
    )
    report = api.client.post(
        "/imports/residents/check", files=upload(data), headers=api.as_worker_a()
    )
    assert report.status_code == 200, report.text
    assert re.search(r"<strong>1</strong> 行新增", report.text)
    assert '<td>3</td><td class="reasons">公民身份号码校验位错误</td>' in report.text
    assert NEW not in report.text  # the preview masks ID numbers
    token = re.search(r'name="token" value="([^"]+)"', report.text)
    assert token is not None
    form = {"token": token.group(1), "map_name": "姓名", "map_id_number": "身份证号"}

    refused = api.client.post("/imports/residents", data=form, headers=api.as_worker_a())
    assert refused.status_code == 422 and "未导入任何数据" in refused.text
    started = api.client.post(
        "/imports/residents",
        data=form | {"skip_bad_rows": "1"},
        headers=api.as_worker_a(),
        follow_redirects=False,
    )
    assert started.status_code == 303
    page_url = started.headers["location"]
    job_id = page_url.removeprefix("/imports/jobs/")
    assert finished(api, job_id)["state"] == "done"
    done = api.client.get(page_url, headers=api.as_worker_a())
    assert done.status_code == 200 and "导入完成" in done.text and "第 3 行" in done.text
    assert (
        re.search(r"<strong>1</strong> 行新增", done.text)
        and "跳过 <strong>1</strong> 行" in done.text
    )
    assert "setTimeout" not in done.text  # a finished job's page stops polling
    assert api.client.get(f"/api/residents?q={NEW}", headers=api.as_worker_a()).json()
    gone = api.client.post("/imports/residents", data=form, headers=api.as_worker_a())
    assert "已过期" in gone.text  # the upload is deleted once its import has started


def portal_cookie(api: Api, username: str, community: str) -> dict[str, str]:
    """The cookie of a portal session signed in as a worker, as after the Keycloak login."""
    worker = Principal(
        subject=username,
        username=username,
        name=username,
        roles={"worker"},
        community_code=community,
    )
    with session_scope(api.state.engine) as session:
        cookie = open_session(
            session=session,
            cipher=api.state.cipher,
            principal=worker,
            tokens={},
            idle=timedelta(minutes=30),
        )
    return {COOKIE: cookie}


def test_portal_progress_page_polls_the_job_with_the_session_cookie(api: Api):
    # A job queued but not started, then run here: each page is rendered in a known state.
    table = imports.read_table(GOOD, "台账.csv")
    with session_scope(api.state.engine) as session:
        job_id = imports.create_job(
            session=session, community=COMMUNITY_A.code, created_by="worker-a", total=2
        ).id
    api.client.cookies.update(portal_cookie(api, "worker-a", COMMUNITY_A.code))
    page = api.client.get(f"/imports/jobs/{job_id}")
    assert page.status_code == 200 and "正在排队" in page.text
    assert '<progress class="meter" id="meter" max="2" value="0">' in page.text
    assert re.search(
        r'已处理 <strong id="done">0</strong> / <span id="total">2</span> 行', page.text
    )
    assert f'data-job="{job_id}"' in page.text and "/api/imports/jobs/" in page.text
    polled = api.client.get(f"/api/imports/jobs/{job_id}")  # what the page's script fetches
    assert polled.status_code == 200
    assert (polled.json()["state"], polled.json()["done"], polled.json()["total"]) == (
        "queued",
        0,
        2,
    )

    state = imports.run_job(
        engine=api.state.engine,
        cipher=api.state.cipher,
        job_id=job_id,
        table=table,
        mapping=imports.guess_mapping(table.headers),
        community=COMMUNITY_A.code,
        actor="worker-a",
        skip_bad_rows=False,
    )
    assert state == "done"
    assert api.client.get(f"/api/imports/jobs/{job_id}").json()["done"] == 2
    done = api.client.get(f"/imports/jobs/{job_id}")
    assert "导入完成" in done.text and re.search(r"<strong>2</strong> 行新增", done.text)

    api.client.cookies.update(portal_cookie(api, "worker-b", COMMUNITY_B.code))
    assert api.client.get(f"/api/imports/jobs/{job_id}").status_code == 404
    assert api.client.get(f"/imports/jobs/{job_id}").status_code == 404


def test_portal_shows_a_failed_job_with_its_message_and_rows(api: Api):
    # The store changed between the check and the job (here: no check at all), so the job
    # itself refuses the file: its page says why, row by row.
    table = imports.read_table(ledger(["孙三", BAD, "", "", "", "", "", ""]), "台账.csv")
    with session_scope(api.state.engine) as session:
        job_id = imports.create_job(
            session=session, community=COMMUNITY_A.code, created_by="worker-a", total=1
        ).id
    state = imports.run_job(
        engine=api.state.engine,
        cipher=api.state.cipher,
        job_id=job_id,
        table=table,
        mapping=imports.guess_mapping(table.headers),
        community=COMMUNITY_A.code,
        actor="worker-a",
        skip_bad_rows=False,
    )
    assert state == "failed"
    page = api.client.get(f"/imports/jobs/{job_id}", headers=api.as_worker_a())
    assert page.status_code == 200 and "导入失败" in page.text and "未导入任何数据" in page.text
    assert "第2行：公民身份号码校验位错误" in page.text and "setTimeout" not in page.text


def test_portal_keeps_the_upload_encrypted_and_for_its_worker_only(api: Api):
    report = api.client.post(
        "/imports/residents/check", files=upload(GOOD), headers=api.as_worker_a()
    )
    token = re.search(r'name="token" value="([^"]+)"', report.text)
    assert token is not None
    kept = (api.settings.data_dir / "imports" / token.group(1)).read_bytes()
    assert NEW.encode() not in kept and "赵一".encode() not in kept
    stolen = api.client.post(
        "/imports/residents", data={"token": token.group(1)}, headers=api.as_worker_b()
    )
    assert stolen.status_code == 422 and "已过期" in stolen.text
    assert not api.client.get(f"/api/residents?q={NEW}", headers=api.as_worker_b()).json()


def test_portal_refuses_a_made_up_token(api: Api):
    answer = api.client.post(
        "/imports/residents/check", data={"token": "../../hub.db"}, headers=api.as_worker_a()
    )
    assert answer.status_code == 422 and "已过期" in answer.text
