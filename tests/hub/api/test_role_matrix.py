"""Every endpoint × every role of the realm: who is let in and who is refused.

Each route of the app must appear in POLICY (or PUBLIC), so a new endpoint cannot ship without
someone deciding who may call it. "Let in" means neither 401 nor 403: the request may still be
refused for what it carries (404 for an id out of scope, 422 for an empty body); the other
community's ids are tried in test_scoping.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from hub.app import create_app
from hub.demo import COMMUNITY_A
from hub.settings import Settings
from hub.store import (
    CommunityEvent,
    House,
    Household,
    Organization,
    Resident,
    Vehicle,
)
from tests._tokens import TokenMint
from tests.hub.api.conftest import running_api

#: The realm's people (identity/realm.py), by what their tokens carry.
PERSONAS: dict[str, dict] = {
    "worker": {"roles": ["worker"], "community": COMMUNITY_A.code},
    "community_admin": {"roles": ["worker", "community_admin"], "community": COMMUNITY_A.code},
    "street_viewer": {"roles": ["street_viewer"], "regions": ["3202", "320206", "320206104"]},
    "district_viewer": {"roles": ["district_viewer"], "regions": ["3202", "320206"]},
    "requester": {
        "roles": ["street_viewer", "requester"],
        "regions": ["3202", "320206", "320206104"],
    },
    "it_admin": {"roles": ["it_admin"]},
    "operator": {"roles": ["operator"]},
}
EVERYONE = frozenset(PERSONAS)
WORKERS = frozenset({"worker", "community_admin"})
ADMINS = frozenset({"community_admin"})
FIGURES = frozenset({"worker", "community_admin", "street_viewer", "district_viewer", "requester"})
OPS = frozenset({"operator", "it_admin"})  # the 运维 page (hub/portal/_ops.py) and its twin
OPERATORS = frozenset({"operator"})
IT = frozenset({"it_admin"})  # 表单管理 (hub/portal/_forms_admin.py)
REQUESTERS = frozenset({"requester"})  # 数据下发 (hub/portal/_requests.py)

#: Reachable without logging in.
PUBLIC = {
    ("GET", "/healthz"),
    ("GET", "/auth/login"),
    ("GET", "/auth/callback"),
    ("GET", "/auth/logged-out"),
    ("POST", "/auth/backchannel-logout"),  # Keycloak calls it; the logout token is the proof
    # A questionnaire's link: residents answer without an account (the token is the key).
    ("GET", "/q/{token}"),
    ("POST", "/q/{token}"),
}

_SPECIAL = {
    ("GET", "/"): EVERYONE,
    ("POST", "/auth/logout"): EVERYONE,
    ("GET", "/api/overview"): FIGURES,
    ("POST", "/api/residents/{resident_id}/reveal"): ADMINS,
    ("GET", "/api/audit"): ADMINS,
    ("GET", "/api/audit.xlsx"): ADMINS,
    ("GET", "/audit"): ADMINS,
    ("GET", "/ops"): OPS,
    ("GET", "/api/ops/attention"): OPS,
    ("POST", "/codec/decode"): OPERATORS,  # Temporal payloads in clear (hub/api/_codec.py)
    ("POST", "/codec/encode"): OPERATORS,
    ("GET", "/admin/forms"): IT,
    ("POST", "/admin/forms"): IT,
    ("GET", "/requests"): WORKERS | REQUESTERS,
    ("GET", "/requests/{request_id}"): WORKERS | REQUESTERS,
    ("GET", "/requests/new"): REQUESTERS,
    ("POST", "/requests/new"): REQUESTERS,
    ("GET", "/requests/{request_id}/export.xlsx"): REQUESTERS,
}


def _routes(routes: list) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from _routes(route.original_router.routes)


def _app_routes() -> list[tuple[str, str]]:
    app = create_app(Settings(environment="test", data_dir=Path("/nonexistent")))
    return sorted(
        (method, route.path)
        for route in _routes(app.router.routes)
        for method in route.methods
        if method != "HEAD"
    )


ROUTES = _app_routes()
#: Everything not public or special is the community's own work: workers (and admins) only.
POLICY = {key: _SPECIAL.get(key, WORKERS) for key in ROUTES if key not in PUBLIC}


@pytest.fixture(scope="module")
def app_and_ids(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict]]:
    with running_api(tmp_path_factory.mktemp("matrix")) as api:
        api.client.app.state.mint = api.mint  # type: ignore[attr-defined]
        with Session(api.state.engine) as session:

            def first(model: type) -> int:
                stmt = select(model).where(model.community_code == COMMUNITY_A.code)  # type: ignore[attr-defined]
                row = session.exec(stmt).first()
                assert row is not None
                return int(row.id)

            ids = {
                "resident_id": first(Resident),
                "household_id": first(Household),
                "house_id": first(House),
                "organization_id": first(Organization),
                "vehicle_id": first(Vehicle),
                "event_id": first(CommunityEvent),
                "submission_id": "0" * 32,
                "evidence_id": "0" * 32,
                "job_id": "0" * 32,
                "report_id": "elderly-80-by-building",
                "form_id": "elderly-allowance",
                "connector_id": "civil_affairs",
                "target": "social_assistance",
                "task_id": "0" * 32,
                "request_id": "0" * 32,
                "row_id": 1,
                "token": "0" * 32,
            }
        yield api.client, ids


def _call(client: TestClient, method: str, path: str, headers: dict[str, str]) -> int:
    portal = not path.startswith(("/api/", "/auth/"))
    kwargs: dict = {"headers": headers, "follow_redirects": False}
    if method in ("POST", "PUT", "PATCH"):
        kwargs["data" if portal else "json"] = {}
    return client.request(method, path, **kwargs).status_code


def _headers(client: TestClient, persona: str) -> dict[str, str]:
    mint: TokenMint = client.app.state.mint  # type: ignore[attr-defined]
    who = PERSONAS[persona]
    token = mint.token(
        persona, roles=who["roles"], community=who.get("community"), regions=who.get("regions")
    )
    return {"Authorization": f"Bearer {token}"}


def test_every_route_has_a_decided_policy() -> None:
    undecided = [key for key in ROUTES if key not in PUBLIC and key not in POLICY]
    assert undecided == []
    assert set(_SPECIAL) <= set(ROUTES), "a special case names a route that no longer exists"
    assert set(ROUTES) >= PUBLIC


@pytest.mark.parametrize(("method", "template"), sorted(POLICY), ids=lambda v: str(v))
def test_each_role_is_let_in_or_refused_as_the_policy_says(
    app_and_ids: tuple[TestClient, dict], method: str, template: str
) -> None:
    client, ids = app_and_ids
    path = re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), template)
    outcome = {}
    for persona in PERSONAS:
        status = _call(client, method, path, _headers(client, persona))
        outcome[persona] = "let in" if status not in (401, 403) else f"refused ({status})"
    expected = {
        persona: "let in" if persona in POLICY[(method, template)] else "refused (403)"
        for persona in PERSONAS
    }
    assert outcome == expected
    anonymous = _call(client, method, path, {})
    # The portal sends a browser to log in; the API answers 401.
    assert anonymous in ((303,) if method == "GET" and not path.startswith("/api/") else (401,))


@pytest.mark.parametrize(
    "change",
    ["forged", "expired", "wrong-audience", "id-token", "refresh-token", "none-algorithm"],
)
def test_untrustworthy_bearer_tokens_get_401_everywhere(
    app_and_ids: tuple[TestClient, dict], change: str
) -> None:
    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa

    client, _ = app_and_ids
    mint: TokenMint = client.app.state.mint  # type: ignore[attr-defined]
    good = mint.token("worker", roles=["worker"], community=COMMUNITY_A.code)
    claims = jwt.decode(good, options={"verify_signature": False})
    key, headers, algorithm = mint.key, {"kid": "local-test-key"}, "RS256"
    if change == "forged":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elif change == "expired":
        claims["exp"] = claims["iat"] - 1
    elif change == "wrong-audience":
        claims["aud"] = ["another-client"]
    elif change == "id-token":
        claims["typ"] = "ID"
    elif change == "refresh-token":
        claims["typ"] = "Refresh"
    token = (
        jwt.encode(claims, key, algorithm=algorithm, headers=headers)
        if change != "none-algorithm"
        else jwt.encode(claims, None, algorithm="none", headers=headers)
    )
    for path in ("/api/residents", "/api/overview", "/api/accounts"):
        answer = client.get(path, headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 401, (path, answer.text)
