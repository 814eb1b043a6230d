"""The 运维 page and its JSON twin: operators and IT see the failures only IT can mend, with the
command that exports a trace and the workflow's link, and never the resident they were for."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi import FastAPI

from hub.auth import COOKIE, open_session
from hub.demo import COMMUNITY_A
from hub.store import DeliveryResult, record_delivery_result, save_evidence, session_scope
from identity import Principal
from tests._servers import HOST, free_ports, serve
from tests.factories import add_resident, add_submission, application, valid_id_number
from tests.hub.api.conftest import Api

NAME = "欧阳𠮷英"
ID_NUMBER = valid_id_number("19310704", "2", seq=97)
PHONE = "13912345678"
CIVIL = "省民政厅高龄津贴管理系统"
SUBMITTER = "worker-a"
OPS_ROLES = {"operator": ["operator"], "it_admin": ["it_admin"]}


@dataclass(frozen=True)
class Broken:
    submission_id: str
    trace_id: str
    id_masked: str


@pytest.fixture
def broken(api: Api) -> Broken:
    """Her submission: the civil-affairs robot broke (its trace kept), the elderly platform
    refused it (the worker's business, not IT's)."""
    cipher = api.state.cipher
    with session_scope(api.state.engine) as session:
        resident = add_resident(
            session, cipher, community=COMMUNITY_A.code, name=NAME, id_number=ID_NUMBER,
            phone=PHONE,
        )  # fmt: skip
        data = application(name=NAME, id_number=ID_NUMBER, phone=PHONE)
        submission = add_submission(session, cipher, resident, data=data, created_by=SUBMITTER)
        trace_id = save_evidence(
            session=session,
            cipher=cipher,
            submission_id=submission.id,
            target="civil_affairs",
            content=f"PK trace of the page showing {NAME}".encode(),
            content_type="application/zip",
        )
        for target, result in (
            ("civil_affairs", DeliveryResult(status="failed", message="自动填报程序需要维护",
                                              error_type="RobotBroken")),
            ("elderly_api", DeliveryResult(status="rejected", message="该居民已申领",
                                            error_type="BusinessRejection")),
        ):  # fmt: skip
            record_delivery_result(
                session=session,
                submission_id=submission.id,
                target=target,
                summary="高龄津贴申请",
                result=result,
            )
        return Broken(submission.id, trace_id, resident.id_number_masked)


def _bearer(api: Api, persona: str) -> dict[str, str]:
    if persona == "worker":
        return api.as_worker_a()
    return api.mint.headers(persona, roles=OPS_ROLES[persona])


def _portal_cookie(api: Api, username: str, roles: list[str], community: str | None) -> str:
    principal = Principal(
        subject=username,
        username=username,
        name=username,
        roles=frozenset(roles),
        community_code=community,
    )
    with session_scope(api.state.engine) as session:
        return open_session(
            session=session,
            cipher=api.state.cipher,
            principal=principal,
            tokens={},
            idle=timedelta(minutes=30),
        )


def _section(html: str, section_id: str) -> str:
    found = re.search(rf'<section id="{section_id}".*?</section>', html, re.S)
    assert found is not None, section_id
    return found.group(0)


def _row(html: str, target: str) -> dict[str, str]:
    """The week table's row for a target, as header -> cell text."""
    table = _section(html, "targets-week")
    headers = re.findall(r"<th>(.*?)</th>", table)
    row = re.search(rf'<tr data-target="{target}">(.*?)</tr>', table, re.S)
    assert row is not None, target
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td.*?</td>", row.group(1))]
    return dict(zip(headers, cells, strict=True))


@pytest.mark.parametrize("persona", ["operator", "it_admin"])
def test_ops_staff_see_the_broken_robot_with_the_trace_command_and_the_workflow(
    api: Api, broken: Broken, persona: str
) -> None:
    page = api.client.get("/ops", headers=_bearer(api, persona))

    assert page.status_code == 200
    assert "运维：需要处理的报送" in page.text
    needs_it = _section(page.text, "needs-it")
    assert "共 1 条" in needs_it
    assert f'data-target="civil_affairs" data-submission="{broken.submission_id}"' in needs_it
    assert "机器人故障" in needs_it and CIVIL in needs_it and "自动填报程序需要维护" in needs_it
    assert f"提交人 {SUBMITTER}" in needs_it  # whom to ask to submit again once it is mended
    command = f"python -m hub.store export-trace {broken.trace_id} /tmp/trace-{broken.trace_id[:8]}.zip --by {persona}"  # noqa: E501
    assert command in needs_it
    temporal = api.settings.temporal
    workflow = f"{temporal.ui_url}/namespaces/default/workflows/submission-{broken.submission_id}"
    assert f'href="{workflow}"' in needs_it
    # The refusal is the worker's to read, not IT's.
    assert 'data-target="elderly_api"' not in needs_it and "该居民已申领" not in page.text


@pytest.mark.parametrize("persona", ["operator", "it_admin"])
def test_the_ops_page_names_no_resident_and_offers_no_trace_download(
    api: Api, broken: Broken, persona: str
) -> None:
    page = api.client.get("/ops", headers=_bearer(api, persona))

    assert page.status_code == 200 and broken.trace_id in page.text
    for personal in (NAME, ID_NUMBER, broken.id_masked, PHONE, PHONE[-4:]):
        assert personal not in page.text
    assert "/api/evidence/" not in page.text


def test_a_worker_gets_the_portals_refusal(api: Api, broken: Broken) -> None:
    page = api.client.get("/ops", headers=api.as_worker_a())

    assert page.status_code == 403
    assert "您没有执行此操作的权限" in page.text and broken.trace_id not in page.text


@pytest.fixture
def answering() -> Iterator[str]:
    app = FastAPI()
    app.get("/")(lambda: {"ok": True})
    with serve(app) as url:
        yield url


def test_each_target_shows_its_week_and_whether_it_answers_now(
    api: Api, broken: Broken, answering: str
) -> None:
    api.state.settings.connectors["civil_affairs"] = {"base_url": answering}
    api.state.settings.connectors["elderly_api"] = {"base_url": f"http://{HOST}:{free_ports(1)[0]}"}

    page = api.client.get("/ops", headers=_bearer(api, "operator"))

    civil, elderly = _row(page.text, "civil_affairs"), _row(page.text, "elderly_api")
    assert (civil["系统"], civil["当前连通"], civil["提交失败"], civil["已受理"]) == (
        CIVIL, "可访问", "1", "0"
    )  # fmt: skip
    assert (elderly["当前连通"], elderly["被退回"], elderly["提交失败"]) == ("无法访问", "1", "0")


def test_the_menu_links_to_the_ops_page_for_ops_staff_only(api: Api) -> None:
    api.client.cookies.set(COOKIE, _portal_cookie(api, "operator", ["operator"], None))
    home = api.client.get("/")
    assert home.status_code == 200 and '<a href="/ops">运维</a>' in home.text

    api.client.cookies.set(COOKIE, _portal_cookie(api, "worker-a", ["worker"], COMMUNITY_A.code))
    residents = api.client.get("/residents")
    assert residents.status_code == 200 and 'href="/ops"' not in residents.text


@pytest.mark.parametrize("persona", ["operator", "it_admin"])
def test_the_api_lists_the_same_rows_without_the_resident(
    api: Api, broken: Broken, persona: str
) -> None:
    answer = api.client.get("/api/ops/attention", headers=_bearer(api, persona))

    assert answer.status_code == 200
    body = answer.json()
    [item] = body["items"]
    assert body["total"] == 1
    assert item["submission_id"] == broken.submission_id
    assert (item["target"], item["target_name"]) == ("civil_affairs", CIVIL)
    assert (item["error_type"], item["error_words"]) == ("RobotBroken", "机器人故障")
    assert item["trace_ids"] == [broken.trace_id]
    assert item["workflow_url"].endswith(f"/workflows/submission-{broken.submission_id}")
    assert item["failed_at"].endswith("+08:00")
    assert (item["submitted_by"], item["community"]) == (SUBMITTER, COMMUNITY_A.name)
    for personal in (NAME, ID_NUMBER, broken.id_masked, PHONE):
        assert personal not in answer.text


def test_the_api_refuses_a_worker(api: Api, broken: Broken) -> None:
    answer = api.client.get("/api/ops/attention", headers=api.as_worker_a())

    assert answer.status_code == 403 and answer.json()["error"] == "Forbidden"
