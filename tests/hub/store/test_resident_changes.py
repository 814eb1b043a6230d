"""Creating and changing residents: cross-checks against the ID number, and history of changes."""

from __future__ import annotations

from datetime import date

import pytest

from hub.errors import InvalidInput
from hub.store import (
    ResidentCreate,
    ResidentUpdate,
    create_resident,
    history_of,
    resident_facts,
    session_scope,
    update_resident,
)
from tests.factories import COMMUNITY, add_community, valid_id_number


def test_entered_birth_date_and_sex_must_match_the_id_number(engine, cipher):
    id_number = valid_id_number("19420315", "2", 7)
    with session_scope(engine) as session:
        add_community(session, COMMUNITY)
        with pytest.raises(InvalidInput) as wrong:
            create_resident(
                session=session,
                cipher=cipher,
                community=COMMUNITY,
                data=ResidentCreate(
                    name="李秀兰", id_number=id_number, sex="男", birth_date=date(1942, 3, 16)
                ),
            )
    assert wrong.value.field_errors == {
        "birth_date": "出生日期与公民身份号码不一致",
        "sex": "性别与公民身份号码不一致",
    }


def test_a_bad_phone_is_refused_when_creating(engine, cipher):
    with session_scope(engine) as session:
        add_community(session, COMMUNITY)
        with pytest.raises(InvalidInput) as bad:
            create_resident(
                session=session,
                cipher=cipher,
                community=COMMUNITY,
                data=ResidentCreate(
                    name="李秀兰", id_number=valid_id_number("19420315", "2", 8), phone="12345"
                ),
            )
    assert bad.value.user_message == "手机号码应为以1开头的11位数字"


def test_changes_are_encrypted_and_kept_in_her_history_with_the_actor(engine, cipher):
    with session_scope(engine) as session:
        add_community(session, COMMUNITY)
        resident = create_resident(
            session=session,
            cipher=cipher,
            community=COMMUNITY,
            data=ResidentCreate(name="李秀兰", id_number=valid_id_number("19420315", "2", 9)),
        )
    with session_scope(engine, actor="worker-a") as session:
        update_resident(
            session=session,
            cipher=cipher,
            resident=resident,
            data=ResidentUpdate(phone="13912345678", relation_to_head="配偶"),
        )
    with session_scope(engine) as session:
        facts = resident_facts(session=session, cipher=cipher, resident=resident)
        history = history_of(session=session, resident=resident)
    assert facts.phone == "13912345678"
    update = next(h for h in history if h.action == "update")
    assert update.actor == "worker-a"
    assert update.changes["relation_to_head"] == ["户主", "配偶"]
    assert update.changes["phone_enc"] == [None, "（已修改，内容加密）"]
    assert "13912345678" not in str(history)


def test_two_registrations_of_one_person_racing_end_with_one_and_a_clear_error(
    engine, cipher, monkeypatch
):
    """The look-up happens before the insert; a second registration slipping in between is
    stopped by the unique blind index and reported like any duplicate, not as a server error."""
    from hub.store import _residents

    id_number = valid_id_number("19420315", "2", 11)
    with session_scope(engine) as session:
        add_community(session, COMMUNITY)
    with session_scope(engine) as first:
        create_resident(
            session=first,
            cipher=cipher,
            community=COMMUNITY,
            data=ResidentCreate(name="李秀兰", id_number=id_number),
        )
    real_select = _residents.select
    # The second registration's look-up sees nothing, as if it ran before the first committed.
    monkeypatch.setattr(
        _residents, "select", lambda *a: real_select(*a).where(_residents.Resident.id < 0)
    )
    with session_scope(engine) as second, pytest.raises(InvalidInput) as duplicate:
        create_resident(
            session=second,
            cipher=cipher,
            community=COMMUNITY,
            data=ResidentCreate(name="李秀兰", id_number=id_number),
        )
    assert duplicate.value.user_message == "该公民身份号码已登记"
