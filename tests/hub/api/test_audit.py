"""The audit log through the hub: logins, logouts and reveals are recorded (without personal
data), and only a community admin reads her own community's log, on screen and as Excel."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from hub.auth import COOKIE, OidcClient, open_session
from hub.demo import COMMUNITY_A, COMMUNITY_B
from hub.store import LoginState, Resident, audit, resident_facts, session_scope
from identity import Principal
from tests.hub.api.conftest import Api

ADMIN_ROLES = ["worker", "community_admin"]
REASON = "核对𠮷祥英的低保材料"  # free text naming her: must stay out of the audit log


def _admin(api: Api, community: str = COMMUNITY_A.code, name: str = "admin-a") -> dict[str, str]:
    return api.mint.headers(name, roles=ADMIN_ROLES, community=community)


def _first(api: Api) -> int:
    return api.client.get("/api/residents", headers=api.as_worker_a()).json()[0]["id"]


def _reveal(api: Api) -> dict[str, Any]:
    answer = api.client.post(
        f"/api/residents/{_first(api)}/reveal", json={"reason": REASON}, headers=_admin(api)
    )
    assert answer.status_code == 200
    return answer.json()


def _log(api: Api, **params: str) -> dict[str, Any]:
    answer = api.client.get("/api/audit", params=params, headers=_admin(api))
    assert answer.status_code == 200, answer.text
    return answer.json()


def _raw_rows(api: Api) -> str:
    with api.state.engine.connect() as connection:
        return str(connection.execute(text("SELECT * FROM auditentry")).all())


def _portal_login(api: Api, monkeypatch: pytest.MonkeyPatch, roles: list[str]) -> None:
    """Through /auth/login and /auth/callback, with Keycloak's code exchange faked."""
    token = api.mint.token("admin-a", roles=roles, community=COMMUNITY_A.code)

    async def exchange(self: OidcClient, *, code: str, login: LoginState) -> dict[str, Any]:
        assert code == "code-from-keycloak"
        return {"access_token": token, "id_token": "id-token"}

    monkeypatch.setattr(OidcClient, "exchange_code", exchange)
    started = api.client.get("/auth/login", follow_redirects=False)
    state = parse_qs(urlparse(started.headers["location"]).query)["state"][0]
    back = api.client.get(
        "/auth/callback",
        params={"state": state, "code": "code-from-keycloak"},
        follow_redirects=False,
    )
    assert back.status_code == 303 and COOKIE in api.client.cookies


def _portal_cookie(api: Api, username: str, roles: list[str], community: str) -> dict[str, str]:
    principal = Principal(
        subject=username,
        username=username,
        name=username,
        roles=frozenset(roles),
        community_code=community,
    )
    with session_scope(api.state.engine) as session:
        cookie = open_session(
            session=session,
            cipher=api.state.cipher,
            principal=principal,
            tokens={},
            idle=timedelta(minutes=30),
        )
    return {COOKIE: cookie}


def test_portal_login_and_logout_are_recorded(api: Api, monkeypatch: pytest.MonkeyPatch):
    _portal_login(api, monkeypatch, ADMIN_ROLES)
    page = api.client.get("/residents")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None
    out = api.client.post(
        "/auth/logout", data={"csrf_token": csrf.group(1)}, follow_redirects=False
    )
    assert out.status_code == 303
    entries = _log(api)["entries"]
    assert [(e["seq"], e["action"], e["actor"]) for e in entries] == [
        (2, "logout", "admin-a"),
        (1, "login", "admin-a"),
    ]
    assert entries[1]["roles"] == ["community_admin", "worker"]
    assert entries[1]["subject"] == "user:admin-a" and entries[1]["detail"] == {"via": "portal"}


def test_a_reveal_is_recorded_with_the_length_of_its_reason_only(api: Api):
    shown = _reveal(api)
    (entry,) = _log(api, action="reveal")["entries"]
    assert entry["actor"] == "admin-a" and entry["subject"] == f"resident:{_first(api)}"
    assert entry["detail"]["fields"] == ["id_number", "phone"]
    assert entry["detail"]["reason_chars"] == len(REASON)
    raw = _raw_rows(api)
    with session_scope(api.state.engine) as session:
        resident = session.get(Resident, _first(api))
        assert resident is not None
        name = resident_facts(session=session, cipher=api.state.cipher, resident=resident).name
    for personal in (name, shown["id_number"], shown["phone"], REASON, "低保"):
        assert personal and personal not in raw


def test_a_refused_reveal_leaves_no_entry(api: Api):
    answer = api.client.post(
        f"/api/residents/{_first(api)}/reveal", json={"reason": "想看看"}, headers=api.as_worker_a()
    )
    assert answer.status_code == 403
    assert _log(api)["total"] == 0


def test_the_log_says_whether_the_chain_verifies(api: Api):
    _reveal(api)
    _reveal(api)
    assert _log(api)["chain"] == {"intact": True, "checked": 2, "broken_at": None, "reason": None}
    with api.state.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER auditentry_no_update"))
        connection.execute(text("UPDATE auditentry SET actor = 'someone' WHERE seq = 1"))
    chain = _log(api)["chain"]
    assert (chain["intact"], chain["broken_at"], chain["reason"]) == (False, 1, "hash mismatch")


def test_only_community_admins_read_the_log(api: Api):
    for headers in (
        api.as_worker_a(),
        api.as_operator(),
        api.mint.headers("it", roles=["it_admin"]),
    ):
        for path in ("/api/audit", "/api/audit.xlsx", "/audit"):
            assert api.client.get(path, headers=headers).status_code == 403, path
    for path in ("/api/audit", "/api/audit.xlsx"):
        assert api.client.get(path).status_code == 401


def test_the_admin_of_another_community_sees_none_of_its_entries(api: Api):
    _reveal(api)
    other = _admin(api, community=COMMUNITY_B.code, name="admin-b")
    assert api.client.get("/api/audit", headers=other).json()["entries"] == []
    sheet = load_workbook(io.BytesIO(api.client.get("/api/audit.xlsx", headers=other).content))
    assert sheet.active is not None and sheet.active.max_row == 2  # title and headers only
    page = api.client.get("/audit", headers=other)
    assert "没有符合条件的记录" in page.text and "admin-a" not in page.text


def test_the_export_has_chinese_headers_and_each_entry_with_its_hash(api: Api):
    _reveal(api)
    answer = api.client.get("/api/audit.xlsx", params={"action": "reveal"}, headers=_admin(api))
    assert answer.status_code == 200
    assert "filename*=UTF-8''" in answer.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert "玉祁社区" in str(rows[0][0]) and "审计日志" in str(rows[0][0])
    assert list(rows[1]) == ["序号", "时间", "操作人", "操作", "对象", "说明", "校验值"]
    (entry,) = _log(api)["entries"]
    assert rows[2][0] == 1 and rows[2][2:5] == ("admin-a", "查看完整信息", f"居民 {_first(api)}")
    assert rows[2][6] == entry["hash"] and "理由字数" in str(rows[2][5])


def test_the_portal_page_lists_entries_and_links_from_the_menu(api: Api):
    _reveal(api)
    api.client.cookies.update(_portal_cookie(api, "admin-a", ADMIN_ROLES, COMMUNITY_A.code))
    page = api.client.get("/audit", params={"action": "reveal"})
    assert page.status_code == 200
    assert "校验通过" in page.text and "查看完整信息" in page.text
    assert '<a href="/audit">审计日志</a>' in page.text
    assert REASON not in page.text
    api.client.cookies.update(_portal_cookie(api, "worker-a", ["worker"], COMMUNITY_A.code))
    residents = api.client.get("/residents")
    assert residents.status_code == 200 and 'href="/audit"' not in residents.text
    assert api.client.get("/audit").status_code == 403


def test_the_log_pages_by_a_hundred(api: Api):
    with session_scope(api.state.engine) as session:
        for i in range(101):
            audit.append(
                session,
                cipher=api.state.cipher,
                actor="admin-a",
                roles=ADMIN_ROLES,
                action="login",
                community_code=COMMUNITY_A.code,
                subject="user:admin-a",
                detail={"via": "portal", "n": i},
            )
    first, second = _log(api), _log(api, page="2")
    assert (len(first["entries"]), first["pages"], first["total"]) == (100, 2, 101)
    assert first["entries"][0]["seq"] == 101 and [e["seq"] for e in second["entries"]] == [1]
