"""Correcting households, houses, organizations, vehicles and events: scoped to one community,
only the fields given change, and the history keeps who changed what."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from hub.crypto import FieldCipher
from hub.errors import InvalidInput, NotFound
from hub.store import (
    ChangeRecord,
    EventCreate,
    EventUpdate,
    HouseholdUpdate,
    HouseUpdate,
    OrganizationCreate,
    OrganizationUpdate,
    VehicleCreate,
    VehicleUpdate,
    add_house_and_household,
    add_organization,
    add_vehicle,
    get_scoped_event,
    get_scoped_house,
    get_scoped_household,
    get_scoped_organization,
    get_scoped_vehicle,
    history_of,
    record_event,
    remove_organization,
    remove_vehicle,
    session_scope,
    timeline,
    update_event,
    update_house,
    update_household,
    update_organization,
    update_vehicle,
)
from tests.factories import COMMUNITY, OTHER_COMMUNITY, add_community, add_resident


def _changes(session: Session, entity: str, entity_id: int) -> list[ChangeRecord]:
    stmt = (
        select(ChangeRecord)
        .where(ChangeRecord.entity == entity, ChangeRecord.entity_id == str(entity_id))
        .order_by(col(ChangeRecord.id))
    )
    return list(session.exec(stmt))


def test_a_household_correction_changes_only_what_is_given_and_records_who(engine: Engine):
    with session_scope(engine) as session:
        add_community(session)
        household = add_house_and_household(
            session=session,
            community=COMMUNITY,
            building="1幢",
            unit="1单元",
            room="101室",
            address="玉祁社区1幢1单元101室",
        )
    with session_scope(engine, actor="worker-a") as session:
        row = get_scoped_household(
            session=session, household_id=household.id or 0, community=COMMUNITY
        )
        update_household(
            session=session, household=row, data=HouseholdUpdate(household_type="集体户")
        )
    with session_scope(engine) as session:
        row = get_scoped_household(
            session=session, household_id=household.id or 0, community=COMMUNITY
        )
        assert (row.address, row.household_type) == ("玉祁社区1幢1单元101室", "集体户")
        update = _changes(session, "household", household.id or 0)[-1]
    assert (update.action, update.actor, update.community_code) == ("update", "worker-a", COMMUNITY)
    assert json.loads(update.changes) == {"household_type": ["家庭户", "集体户"]}


def test_a_house_found_unsafe_is_recorded_with_the_inspector(engine: Engine):
    with session_scope(engine) as session:
        add_community(session)
        household = add_house_and_household(
            session=session,
            community=COMMUNITY,
            building="3幢",
            unit="2单元",
            room="301室",
            address="玉祁社区3幢2单元301室",
        )
    with session_scope(engine, actor="worker-a") as session:
        house = get_scoped_house(
            session=session, house_id=household.house_id or 0, community=COMMUNITY
        )
        data = HouseUpdate(safety_status="C级危房", use="住宅")  # 住宅 already: not a change
        update_house(session=session, house=house, data=data)
    with session_scope(engine) as session:
        update = _changes(session, "house", household.house_id or 0)[-1]
    assert update.actor == "worker-a"
    assert json.loads(update.changes) == {"safety_status": ["安全", "C级危房"]}


def test_another_communitys_records_are_not_found_like_missing_ones(
    engine: Engine, cipher: FieldCipher
):
    with session_scope(engine) as session:
        add_community(session, OTHER_COMMUNITY, name="瑞星社区")
        household = add_house_and_household(
            session=session,
            community=OTHER_COMMUNITY,
            building="1幢",
            unit="1单元",
            room="101室",
            address="瑞星社区1幢1单元101室",
        )
        org = add_organization(
            session=session,
            data=OrganizationCreate(name="瑞星社区卫生服务站", kind="医疗机构"),
            community=OTHER_COMMUNITY,
        )
        car = add_vehicle(
            session=session, data=VehicleCreate(plate_no="苏B7G5N1"), community=OTHER_COMMUNITY
        )
        event = record_event(
            session=session,
            data=EventCreate(kind="visit", title="入户走访", occurred_on=date(2026, 1, 5)),
            community=OTHER_COMMUNITY,
            recorded_by="worker-b",
        )
    lookups = [
        lambda s, i: get_scoped_household(session=s, household_id=i, community=COMMUNITY),
        lambda s, i: get_scoped_house(session=s, house_id=i, community=COMMUNITY),
        lambda s, i: get_scoped_organization(session=s, organization_id=i, community=COMMUNITY),
        lambda s, i: get_scoped_vehicle(session=s, vehicle_id=i, community=COMMUNITY),
        lambda s, i: get_scoped_event(session=s, event_id=i, community=COMMUNITY),
    ]
    ids = [household.id, household.house_id, org.id, car.id, event.id]
    with session_scope(engine) as session:
        for lookup, theirs in zip(lookups, ids, strict=True):
            for wanted in (theirs or 0, 999_999):
                with pytest.raises(NotFound):
                    lookup(session, wanted)


def test_house_and_household_words_are_checked_in_chinese():
    with pytest.raises(ValidationError) as bad:
        HouseUpdate(safety_status="E级危房", ownership="借住")
    messages = {e["loc"][0]: str(e["ctx"]["error"]) for e in bad.value.errors()}
    assert messages == {
        "safety_status": "安全状况应为：安全、一般隐患、C级危房、D级危房",
        "ownership": "产权应为：自有、租赁、公房、其他",
    }
    with pytest.raises(ValidationError) as emptied:
        HouseholdUpdate.model_validate({"address": None})
    assert emptied.value.errors()[0]["ctx"]["error"].args == ("此项不能为空",)


def test_an_organization_is_corrected_with_the_checks_of_registration_then_removed_on_record(
    engine: Engine,
):
    with session_scope(engine) as session:
        add_community(session)
        org = add_organization(
            session=session,
            data=OrganizationCreate(name="玉祁便民理发店", kind="个体工商户", address="3幢底商"),
            community=COMMUNITY,
        )
    with pytest.raises(ValidationError):
        OrganizationUpdate(credit_code="123")
    with session_scope(engine, actor="worker-a") as session:
        row = get_scoped_organization(
            session=session, organization_id=org.id or 0, community=COMMUNITY
        )
        data = OrganizationUpdate(credit_code="92320206ma1234567x", address=None)
        update_organization(session=session, organization=row, data=data)
        assert (row.name, row.credit_code, row.address) == (
            "玉祁便民理发店",
            "92320206MA1234567X",
            None,
        )
    with session_scope(engine, actor="worker-b") as session:
        row = get_scoped_organization(
            session=session, organization_id=org.id or 0, community=COMMUNITY
        )
        remove_organization(session=session, organization=row)
    with session_scope(engine) as session:
        with pytest.raises(NotFound):
            get_scoped_organization(
                session=session, organization_id=org.id or 0, community=COMMUNITY
            )
        create, update, delete = _changes(session, "organization", org.id or 0)
    assert json.loads(update.changes) == {
        "credit_code": [None, "92320206MA1234567X"],
        "address": ["3幢底商", None],
    }
    assert (delete.action, delete.actor) == ("delete", "worker-b")
    assert json.loads(delete.changes)["name"] == ["玉祁便民理发店", None]


def test_a_vehicle_changes_owner_and_is_removed_on_record(engine: Engine, cipher: FieldCipher):
    with session_scope(engine) as session:
        first = add_resident(session, cipher, seq=1)
        second = add_resident(session, cipher, name="李秀兰", sex="2", seq=2)
        car = add_vehicle(
            session=session,
            data=VehicleCreate(plate_no="苏B3K2M7", owner_resident_id=first.id),
            community=COMMUNITY,
        )
    with session_scope(engine, actor="worker-a") as session:
        row = get_scoped_vehicle(session=session, vehicle_id=car.id or 0, community=COMMUNITY)
        update_vehicle(
            session=session, vehicle=row, data=VehicleUpdate(owner_resident_id=second.id)
        )
        assert (row.kind, row.owner_resident_id) == ("小型汽车", second.id)
        remove_vehicle(session=session, vehicle=row)
    with session_scope(engine) as session:
        _, update, delete = _changes(session, "vehicle", car.id or 0)
    assert json.loads(update.changes) == {"owner_resident_id": [first.id, second.id]}
    assert (delete.action, delete.actor) == ("delete", "worker-a")


def test_an_event_is_closed_and_corrected_and_her_history_says_who(
    engine: Engine, cipher: FieldCipher
):
    with session_scope(engine) as session:
        resident = add_resident(session, cipher)
        event = record_event(
            session=session,
            data=EventCreate(
                kind="complaint",
                title="楼道灯坏了",
                occurred_on=date(2026, 1, 5),
                resident_id=resident.id,
            ),
            community=COMMUNITY,
            recorded_by="worker-a",
        )
    with session_scope(engine, actor="worker-c") as session:
        row = get_scoped_event(session=session, event_id=event.id or 0, community=COMMUNITY)
        update_event(session=session, event=row, data=EventUpdate(status="closed", detail="已修好"))
        with pytest.raises(InvalidInput) as future:
            tomorrow = date.today() + timedelta(days=2)
            update_event(session=session, event=row, data=EventUpdate(occurred_on=tomorrow))
    assert future.value.field_errors == {"occurred_on": "发生日期不能晚于今天"}
    with session_scope(engine) as session:
        entry = next(e for e in timeline(session=session, resident=resident) if e.event_id)
        history = history_of(session=session, resident=resident)
    assert (entry.event_id, entry.event_status) == (event.id, "closed")
    closed = next(h for h in history if h.entity == "communityevent" and h.action == "update")
    assert closed.actor == "worker-c"
    assert closed.changes == {"detail": ["", "已修好"], "status": ["open", "closed"]}


def test_an_event_status_must_be_open_or_closed():
    with pytest.raises(ValidationError) as bad:
        EventUpdate(status="done")
    assert "closed（已办结）" in str(bad.value.errors()[0]["ctx"]["error"])
