"""我的系统账号 in the portal and the API, without Temporal: what she sees, what is refused before
any test login, and that no answer ever carries a password. (The binding's real test login:
tests/workflows/test_credentials.py.)"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlmodel import Session, select

from hub.auth import COOKIE, open_session
from hub.demo import COMMUNITY_A
from hub.store import Credential, session_scope
from identity import Principal
from tests.hub.api.conftest import Api

PASSWORDS = ("Wanghong-2026!", "Lifang-2026!")


def _credentials(api: Api, owner: str) -> list[Credential]:
    with Session(api.state.engine) as session:
        query = select(Credential).where(Credential.owner_username == owner)
        return list(session.exec(query).all())


def test_her_page_lists_her_verified_account_and_only_hers(api: Api):
    page = api.client.get("/accounts", headers=api.as_worker_a())

    assert page.status_code == 200
    assert "省民政厅高龄津贴管理系统" in page.text
    assert "市养老服务信息平台" not in page.text  # an API-key system: no account of hers
    assert '<dd class="login">yuqi-wanghong</dd>' in page.text
    assert re.search(r"已验证（\d{4}-\d{2}-\d{2} \d{2}:\d{2}）", page.text)
    assert "ruixing-lifang" not in page.text
    assert 'name="csrf_token"' in page.text
    assert re.search(
        r'<input id="f-civil_affairs-password" name="password" type="password"', page.text
    )
    for password in PASSWORDS:
        assert password not in page.text


def _civil(accounts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [a for a in accounts if a["connector_id"] == "civil_affairs"]


def test_the_api_lists_her_accounts_without_a_password(api: Api):
    answer = api.client.get("/api/accounts", headers=api.as_worker_b())

    assert answer.status_code == 200
    listed = {a["connector_id"]: a for a in answer.json()}
    account, sso = listed["civil_affairs"], listed["social_assistance"]
    assert account["connector_id"] == "civil_affairs"
    assert account["system_name"] == "省民政厅高龄津贴管理系统"
    # A system that trusts Keycloak has nothing to bind: it lists the robots' uses of her login.
    assert (sso["connector_id"], sso["state"], sso["login_name"]) == (
        "social_assistance",
        "sso",
        "worker-b",
    )
    assert (account["state"], account["login_name"]) == ("verified", "ruixing-lifang")
    assert "password" not in account and "secret" not in answer.text
    for password in PASSWORDS:
        assert password not in answer.text


def test_a_form_without_a_password_is_refused_and_nothing_is_kept(api: Api):
    before = _credentials(api, "worker-a")

    page = api.client.post(
        "/accounts/civil_affairs",
        data={"login_name": "wanghong-new", "password": ""},
        headers=api.as_worker_a(),
    )

    assert page.status_code == 422
    assert "请填写密码" in page.text
    assert 'value="wanghong-new"' in page.text  # what she typed is kept
    assert [c.id for c in _credentials(api, "worker-a")] == [c.id for c in before]


def test_the_api_refuses_a_bad_binding_without_echoing_it(api: Api):
    answer = api.client.put(
        "/api/accounts/civil_affairs",
        json={"login_name": "", "password": "Secret-typed-1"},
        headers=api.as_worker_a(),
    )

    assert answer.status_code == 422
    assert "login_name" in answer.json()["field_errors"]
    assert "Secret-typed-1" not in answer.text


def test_without_temporal_nothing_is_stored_to_wait_for_a_check(api: Api):
    # No test login can run: the account is not kept as pending either.
    answer = api.client.put(
        "/api/accounts/civil_affairs",
        json={"login_name": "wanghong-new", "password": "New-2026!"},
        headers=api.as_worker_a(),
    )

    assert answer.status_code == 503
    assert [c.state for c in _credentials(api, "worker-a")] == ["verified"]


def test_only_systems_robots_log_in_to_take_an_account(api: Api):
    for path in ("/accounts/elderly_api", "/accounts/no_such_system"):
        page = api.client.post(
            path, data={"login_name": "x", "password": "y"}, headers=api.as_worker_a()
        )
        assert page.status_code == 404, path
    answer = api.client.delete("/api/accounts/elderly_api", headers=api.as_worker_a())
    assert answer.status_code == 404


def test_unbinding_is_hers_alone(api: Api):
    answer = api.client.delete("/api/accounts/civil_affairs", headers=api.as_worker_a())
    assert answer.status_code == 204

    [mine] = _civil(api.client.get("/api/accounts", headers=api.as_worker_a()).json())
    [theirs] = _civil(api.client.get("/api/accounts", headers=api.as_worker_b()).json())
    assert (mine["state"], mine["login_name"]) == ("unbound", None)
    assert (theirs["state"], theirs["login_name"]) == ("verified", "ruixing-lifang")


def test_the_portal_unbinds_and_says_so(api: Api):
    answer = api.client.post(
        "/accounts/civil_affairs/delete", headers=api.as_worker_a(), follow_redirects=False
    )
    assert answer.status_code == 303
    page = api.client.get(answer.headers["location"], headers=api.as_worker_a())
    assert "已解除绑定" in page.text and '<dd class="login">未绑定</dd>' in page.text


def _portal_cookie(api: Api) -> str:
    worker = Principal(
        subject="sub-worker-a",
        username="worker-a",
        name="worker-a",
        roles=frozenset({"worker"}),
        community_code=COMMUNITY_A.code,
    )
    with session_scope(api.state.engine) as session:
        return open_session(
            session=session,
            cipher=api.state.cipher,
            principal=worker,
            tokens={},
            idle=timedelta(minutes=30),
        )


def test_workers_find_the_page_in_the_menu(api: Api):
    api.client.cookies.set(COOKIE, _portal_cookie(api))

    page = api.client.get("/residents")

    assert '<a href="/accounts">我的系统账号</a>' in page.text


def test_a_cookie_session_cannot_bind_without_the_forms_csrf_token(api: Api):
    api.client.cookies.set(COOKIE, _portal_cookie(api))

    answer = api.client.post(
        "/accounts/civil_affairs", data={"login_name": "evil", "password": "evil"}
    )

    assert answer.status_code == 403
    assert [c.state for c in _credentials(api, "worker-a")] == ["verified"]
