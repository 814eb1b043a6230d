"""Every endpoint, tried with another community's ids: denied without telling what exists."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import pytest

from hub.demo import COMMUNITY_A, COMMUNITY_B
from hub.store import (
    EventCreate,
    Household,
    Resident,
    create_submission,
    organizations_of,
    record_event,
    save_evidence,
    search_residents,
    session_scope,
    vehicles_of,
)
from tests.hub.api.conftest import Api


@dataclass
class Owned:
    resident_id: int
    submission_id: str
    evidence_id: str
    household_id: int
    house_id: int
    organization_id: int
    vehicle_id: int
    event_id: int


@pytest.fixture
def owned(api: Api) -> Owned:
    """A resident of worker-a's community with a submission and its evidence, her household and
    house, an event about her, and an organization and a vehicle of her community."""
    state = api.state
    with session_scope(state.engine) as session:
        first = search_residents(session=session, cipher=state.cipher, community="320206104001")[0]
        resident = session.get(Resident, first.id)
        assert resident is not None
        submission, _ = create_submission(
            session=session,
            cipher=state.cipher,
            resident=resident,
            form_id="elderly-allowance",
            form_version=1,
            targets=["civil_affairs"],
            data={"note": "test"},
            client_key=uuid.uuid4().hex,
            created_by="worker-a",
        )
        evidence_id = save_evidence(
            session=session,
            cipher=state.cipher,
            submission_id=submission.id,
            target="civil_affairs",
            content=b"\x89PNG fake",
            content_type="image/png",
        )
        household = session.get(Household, resident.household_id)
        assert household is not None and household.house_id is not None
        event = record_event(
            session=session,
            data=EventCreate(
                kind="visit", title="入户走访", occurred_on=date(2026, 1, 5), resident_id=first.id
            ),
            community=resident.community_code,
            recorded_by="worker-a",
        )
        organization = organizations_of(session=session, community=resident.community_code)[0]
        vehicle = vehicles_of(session=session, community=resident.community_code)[0]
    return Owned(
        first.id,
        submission.id,
        evidence_id,
        household_id=household.id or 0,
        house_id=household.house_id,
        organization_id=organization.id or 0,
        vehicle_id=vehicle.id or 0,
        event_id=event.id or 0,
    )


def _endpoints(o: Owned) -> list[tuple[str, str, dict | None]]:
    return [
        ("GET", f"/api/residents/{o.resident_id}", None),
        ("PUT", f"/api/residents/{o.resident_id}/tags", {"tags": ["独居"]}),
        ("GET", f"/api/residents/{o.resident_id}/history", None),
        ("POST", "/api/vehicles", {"plate_no": "苏B12345", "owner_resident_id": o.resident_id}),
        ("PATCH", f"/api/residents/{o.resident_id}", {"relation_to_head": "户主"}),
        ("POST", f"/api/residents/{o.resident_id}/reveal", {"reason": "核对材料"}),
        ("GET", f"/api/submissions/{o.submission_id}", None),
        ("GET", f"/api/evidence/{o.evidence_id}", None),
        (
            "POST",
            "/api/events",
            {
                "kind": "visit",
                "title": "入户走访",
                "occurred_on": "2026-01-05",
                "resident_id": o.resident_id,
            },
        ),
        (
            "POST",
            "/api/submissions",
            {
                "resident_id": o.resident_id,
                "form_id": "elderly-allowance",
                "client_key": uuid.uuid4().hex,
                "answers": {
                    "phone": "13912345678",
                    "address": "玉祁街道1幢101室",
                    "allowance_type": "80-89",
                    "bank": "江苏银行",
                    "bank_account": "6228480012345678901",
                    "applied_on": "2026-11-25",
                },
            },
        ),
        ("GET", f"/api/households/{o.household_id}", None),
        ("PATCH", f"/api/households/{o.household_id}", {"household_type": "家庭户"}),
        ("GET", f"/api/houses/{o.house_id}", None),
        ("PATCH", f"/api/houses/{o.house_id}", {"safety_status": "一般隐患"}),
        ("PATCH", f"/api/events/{o.event_id}", {"status": "closed"}),
        ("GET", f"/api/organizations/{o.organization_id}", None),
        ("PATCH", f"/api/organizations/{o.organization_id}", {"address": "玉祁社区东门"}),
        ("PATCH", f"/api/vehicles/{o.vehicle_id}", {"kind": "货车"}),
        # Last: they remove what the requests above use.
        ("DELETE", f"/api/organizations/{o.organization_id}", None),
        ("DELETE", f"/api/vehicles/{o.vehicle_id}", None),
    ]


#: 我的系统账号: always the caller's own, so no path can name another worker's account.
_OWN_ACCOUNTS = [
    ("GET", "/api/accounts", None),
    ("PUT", "/api/accounts/civil_affairs", {"login_name": "x", "password": "y"}),
    ("DELETE", "/api/accounts/civil_affairs", None),
]


def test_worker_of_another_community_gets_404_on_every_endpoint(api: Api, owned: Owned):
    # Reveal refuses a plain worker (403) before it looks at the id: the other community's
    # admin is the one who must get 404 there.
    admin_b = api.mint.headers(
        "admin-b", roles=["worker", "community_admin"], community=COMMUNITY_B.code
    )
    for method, path, body in _endpoints(owned):
        headers = admin_b if path.endswith("/reveal") else api.as_worker_b()
        answer = api.client.request(method, path, json=body, headers=headers)
        assert answer.status_code == 404, (method, path, answer.text)
        assert answer.json()["message"] == "未找到该记录，或您无权查看"


def test_the_same_requests_from_the_right_community_are_not_refused(api: Api, owned: Owned):
    for method, path, body in _endpoints(owned):
        if path == "/api/submissions" or path.endswith("/reveal"):
            continue  # needs Temporal (covered end to end) / an admin (tests/hub/api/test_reveal)
        answer = api.client.request(method, path, json=body, headers=api.as_worker_a())
        assert answer.status_code in (200, 201, 204), (method, path, answer.text)


def test_roles_without_a_community_are_forbidden_everywhere(api: Api, owned: Owned):
    for method, path, body in [*_endpoints(owned), ("GET", "/api/residents", None), *_OWN_ACCOUNTS]:
        answer = api.client.request(method, path, json=body, headers=api.as_operator())
        assert answer.status_code == 403, (method, path)


def test_no_token_is_401_everywhere(api: Api, owned: Owned):
    extra = [("GET", "/api/events?month=2026-11", None), *_OWN_ACCOUNTS]
    for method, path, body in [*_endpoints(owned), *extra]:
        assert api.client.request(method, path, json=body).status_code == 401, (method, path)


def _logins(api: Api, headers: dict[str, str]) -> list[tuple[str, str | None]]:
    answer = api.client.get("/api/accounts", headers=headers)
    assert answer.status_code == 200
    # Her civil-affairs account: the one the API tests' store binds for the demo workers.
    return [
        (a["state"], a["login_name"]) for a in answer.json() if a["connector_id"] == "civil_affairs"
    ]


def test_accounts_belong_to_the_worker_not_to_her_community(api: Api):
    colleague = api.mint.headers("worker-a2", roles=["worker"], community=COMMUNITY_A.code)
    assert _logins(api, api.as_worker_a()) == [("verified", "yuqi-wanghong")]
    assert _logins(api, api.as_worker_b()) == [("verified", "ruixing-lifang")]
    assert _logins(api, colleague) == [("unbound", None)]  # same community, not hers

    for headers in (colleague, api.as_worker_b()):
        assert api.client.delete("/api/accounts/civil_affairs", headers=headers).status_code == 204
    assert _logins(api, api.as_worker_a()) == [("verified", "yuqi-wanghong")]


def test_resident_lists_hold_only_the_callers_community(api: Api):
    a = api.client.get("/api/residents", headers=api.as_worker_a()).json()
    b = api.client.get("/api/residents", headers=api.as_worker_b()).json()
    assert len(a) == 22 and len(b) == 23
    assert not {r["id"] for r in a} & {r["id"] for r in b}


def test_odd_ids_and_keys_are_not_found_or_refused_never_a_server_error(api: Api, owned: Owned):
    headers = api.as_worker_a()
    for path in ("/api/submissions/abc%00def", "/api/evidence/%00", "/api/residents/1%00"):
        assert api.client.get(path, headers=headers).status_code in (404, 422), path
    answer = api.client.post(
        "/api/submissions",
        headers=headers,
        json={
            "resident_id": owned.resident_id,
            "form_id": "elderly-allowance",
            "client_key": "bad\x00key-123",
            "answers": {},
        },
    )
    assert answer.status_code == 422
    assert "client_key" in answer.json()["field_errors"]


def test_the_audit_log_is_for_community_admins_and_never_shows_another_community(
    api: Api, owned: Owned
):
    # Not about one record, so not in _endpoints: the log lists the caller's own community.
    admin_a = api.mint.headers(
        "admin-a", roles=["worker", "community_admin"], community=COMMUNITY_A.code
    )
    admin_b = api.mint.headers(
        "admin-b", roles=["worker", "community_admin"], community="320206104002"
    )
    reveal = f"/api/residents/{owned.resident_id}/reveal"
    assert api.client.post(reveal, json={"reason": "核对材料"}, headers=admin_a).status_code == 200
    for path in ("/api/audit", "/api/audit.xlsx"):
        assert api.client.get(path).status_code == 401, path
        for headers in (api.as_worker_a(), api.as_worker_b(), api.as_operator()):
            assert api.client.get(path, headers=headers).status_code == 403, path
    assert api.client.get("/api/audit", headers=admin_a).json()["total"] == 1
    assert api.client.get("/api/audit", headers=admin_b).json()["entries"] == []
