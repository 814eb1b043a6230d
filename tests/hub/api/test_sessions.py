"""Portal sessions follow Keycloak's: tokens refreshed while she works, the session ended when
Keycloak ends hers (refresh refused, or a back-channel logout)."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import jwt
import pytest
from sqlmodel import Session, select

from hub.auth import COOKIE, open_session
from hub.demo import COMMUNITY_A
from hub.errors import TargetUnavailable
from hub.store import PortalSession, session_scope
from hub.store._models_audit import AuditEntry
from identity import Principal
from tests.hub.api.conftest import Api

WORKER_A = "worker-a"


class FakeKeycloak:
    """The token endpoint, as refresh() sees it: new tokens, an ended session, or no answer."""

    def __init__(self, api: Api, answer: str = "tokens", roles: list[str] | None = None):
        self.api, self.answer, self.roles = api, answer, roles or ["worker"]
        self.calls: list[str] = []

    def refresh(self, refresh_token: str) -> dict[str, Any] | None:
        self.calls.append(refresh_token)
        if self.answer == "ended":
            return None
        if self.answer == "down":
            raise TargetUnavailable("keycloak unreachable")
        access = self.api.mint.token(WORKER_A, roles=self.roles, community=COMMUNITY_A.code)
        return {"access_token": access, "refresh_token": "refresh-2", "id_token": "id-2"}


def _access(api: Api, seconds_left: int) -> str:
    claims = jwt.decode(
        api.mint.token(WORKER_A, roles=["worker"], community=COMMUNITY_A.code),
        options={"verify_signature": False},
    )
    claims["exp"] = int(time.time()) + seconds_left
    return jwt.encode(claims, api.mint.key, algorithm="RS256", headers={"kid": "local-test-key"})


def _login(api: Api, *, seconds_left: int, subject: str = "sub-worker-a") -> str:
    principal = Principal(
        subject=subject,
        username=WORKER_A,
        name=WORKER_A,
        roles=frozenset({"worker"}),
        community_code=COMMUNITY_A.code,
    )
    tokens = {"access_token": _access(api, seconds_left), "refresh_token": "refresh-1"}
    with session_scope(api.state.engine) as session:
        return open_session(
            session=session,
            cipher=api.state.cipher,
            principal=principal,
            tokens=tokens,
            idle=timedelta(minutes=30),
        )


def _sessions(api: Api) -> list[PortalSession]:
    with Session(api.state.engine) as session:
        return list(session.exec(select(PortalSession)))


def _logouts(api: Api) -> list[tuple[str, str]]:
    with Session(api.state.engine) as session:
        rows = session.exec(select(AuditEntry).where(AuditEntry.action == "logout")).all()
        return [(row.actor, row.detail) for row in rows]


def _get(api: Api, cookie: str, path: str = "/residents") -> Any:
    api.client.cookies.clear()
    api.client.cookies.set(COOKIE, cookie)
    return api.client.get(path, follow_redirects=False)


def test_a_fresh_access_token_is_not_refreshed(api: Api, monkeypatch: pytest.MonkeyPatch):
    keycloak = FakeKeycloak(api)
    monkeypatch.setattr(api.state, "oidc", keycloak)
    cookie = _login(api, seconds_left=300)

    assert _get(api, cookie).status_code == 200
    assert keycloak.calls == []


def test_an_expiring_access_token_is_refreshed_and_new_roles_apply(
    api: Api, monkeypatch: pytest.MonkeyPatch
):
    keycloak = FakeKeycloak(api, roles=["worker", "community_admin"])
    monkeypatch.setattr(api.state, "oidc", keycloak)
    cookie = _login(api, seconds_left=20)

    page = _get(api, cookie)

    assert page.status_code == 200
    assert keycloak.calls == ["refresh-1"]
    # The next request finds a fresh token: no second refresh.
    assert _get(api, cookie).status_code == 200 and keycloak.calls == ["refresh-1"]
    # The refreshed token's roles are hers now (community_admin sees the reveal button).
    with session_scope(api.state.engine) as session:
        from hub.auth import load_session

        loaded = load_session(
            session=session, cipher=api.state.cipher, cookie=cookie, idle=timedelta(minutes=30)
        )
    assert loaded is not None and "community_admin" in loaded[1].roles


def test_a_session_keycloak_ended_ends_here_too(api: Api, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(api.state, "oidc", FakeKeycloak(api, answer="ended"))
    cookie = _login(api, seconds_left=20)

    page = _get(api, cookie)

    assert page.status_code == 303 and page.headers["location"].startswith("/auth/login")
    assert _sessions(api) == []
    [(actor, detail)] = _logouts(api)
    assert actor == WORKER_A and "sso_ended" in detail


def test_keycloak_down_does_not_log_her_out(api: Api, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(api.state, "oidc", FakeKeycloak(api, answer="down"))
    cookie = _login(api, seconds_left=20)

    assert _get(api, cookie).status_code == 200
    assert len(_sessions(api)) == 1


def _logout_token(api: Api, subject: str, **overrides: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": api.settings.keycloak.issuer,
        "aud": api.settings.keycloak.client_id,
        "sub": subject,
        "sid": "kc-session",
        "typ": "Logout",
        "iat": now,
        "exp": now + 120,
        "jti": "logout-1",
        "events": {"http://schemas.openid.net/event/backchannel-logout": {}},
        **overrides,
    }
    return jwt.encode(claims, api.mint.key, algorithm="RS256", headers={"kid": "local-test-key"})


def test_back_channel_logout_ends_her_sessions_only(api: Api):
    hers = [_login(api, seconds_left=300), _login(api, seconds_left=300)]
    other = _login(api, seconds_left=300, subject="sub-someone-else")
    api.client.cookies.clear()

    answer = api.client.post(
        "/auth/backchannel-logout", data={"logout_token": _logout_token(api, "sub-worker-a")}
    )

    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    assert [s.subject for s in _sessions(api)] == ["sub-someone-else"]
    [(actor, detail)] = _logouts(api)  # one entry for her, saying how many sessions ended
    assert actor == WORKER_A and "backchannel" in detail and '"sessions":2' in detail
    assert all(_get(api, cookie).status_code == 303 for cookie in hers)
    assert _get(api, other).status_code == 200


@pytest.mark.parametrize(
    "overrides",
    [{"events": {}}, {"aud": "another-client"}, {"nonce": "n"}, {"exp": int(time.time()) - 5}],
    ids=["no-logout-event", "wrong-audience", "nonce", "expired"],
)
def test_a_logout_token_that_cannot_be_trusted_ends_nothing(api: Api, overrides: dict):
    _login(api, seconds_left=300)
    api.client.cookies.clear()

    answer = api.client.post(
        "/auth/backchannel-logout",
        data={"logout_token": _logout_token(api, "sub-worker-a", **overrides)},
    )

    assert answer.status_code == 400
    assert len(_sessions(api)) == 1
    assert _logouts(api) == []


def test_a_logout_token_signed_by_someone_else_ends_nothing(api: Api):
    from cryptography.hazmat.primitives.asymmetric import rsa

    _login(api, seconds_left=300)
    forged = jwt.encode(
        jwt.decode(_logout_token(api, "sub-worker-a"), options={"verify_signature": False}),
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
        algorithm="RS256",
        headers={"kid": "local-test-key"},
    )
    api.client.cookies.clear()
    assert (
        api.client.post("/auth/backchannel-logout", data={"logout_token": forged}).status_code
        == 400
    )
    assert len(_sessions(api)) == 1
