"""What she typed that the store has otherwise (a new mobile number) is offered back on her
submission's page, and saved to the store only for the facts she ticks; the resident's history
says she changed it."""

from __future__ import annotations

from hub.store import Resident, resident_facts, session_scope
from tests.factories import add_submission, application
from tests.hub.api.conftest import Api

NEW_PHONE = "13977778888"


def _submission(api: Api, created_by: str = "worker-a") -> tuple[int, str]:
    rid = int(api.client.get("/api/residents", headers=api.as_worker_a()).json()[0]["id"])
    with session_scope(api.state.engine) as session:
        resident = session.get(Resident, rid)
        assert resident is not None
        facts = resident_facts(session=session, cipher=api.state.cipher, resident=resident)
        data = application(phone=NEW_PHONE, address=facts.address or "")  # the address as known
        sid = add_submission(
            session, api.state.cipher, resident, created_by=created_by, data=data
        ).id
    return rid, sid


def _phone(api: Api, rid: int) -> str | None:
    with session_scope(api.state.engine) as session:
        resident = session.get(Resident, rid)
        assert resident is not None
        return resident_facts(session=session, cipher=api.state.cipher, resident=resident).phone


def test_her_new_phone_is_offered_and_saved_when_she_ticks_it(api: Api):
    rid, sid = _submission(api)
    before = _phone(api, rid)
    assert before != NEW_PHONE

    page = api.client.get(f"/submissions/{sid}", headers=api.as_worker_a()).text
    assert "以下信息与社区底座不同" in page
    assert 'name="fields" value="phone"' in page and "139****8888" in page
    assert NEW_PHONE not in page  # masked, as everywhere
    assert 'value="address"' not in page  # the same as the store's: nothing to offer

    nothing = api.client.post(f"/submissions/{sid}/facts", data={}, headers=api.as_worker_a())
    assert nothing.status_code == 422 and "请勾选" in nothing.text
    assert _phone(api, rid) == before

    saved = api.client.post(
        f"/submissions/{sid}/facts",
        data={"fields": "phone"},
        headers=api.as_worker_a(),
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert _phone(api, rid) == NEW_PHONE
    history = api.client.get(f"/api/residents/{rid}/history", headers=api.as_worker_a()).json()
    assert (history[0]["action"], history[0]["actor"]) == ("update", "worker-a")
    assert "phone_enc" in history[0]["changes"]
    again = api.client.get(f"/submissions/{sid}", headers=api.as_worker_a()).text
    assert "以下信息与社区底座不同" not in again  # the store has it now


def test_only_the_worker_who_typed_it_is_offered_it(api: Api):
    rid, sid = _submission(api, created_by="worker-yuqi")
    page = api.client.get(f"/submissions/{sid}", headers=api.as_worker_a()).text
    assert "以下信息与社区底座不同" not in page
    refused = api.client.post(
        f"/submissions/{sid}/facts", data={"fields": "phone"}, headers=api.as_worker_a()
    )
    assert refused.status_code == 422 and "只有提交人" in refused.text
    assert _phone(api, rid) != NEW_PHONE
