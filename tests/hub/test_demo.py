from collections import Counter

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from hub.crypto import FieldCipher
from hub.demo import COMMUNITY_A, COMMUNITY_B, seed_demo
from hub.idcard import parse_id_number, validate_mobile
from hub.store import (
    Community,
    House,
    Household,
    Organization,
    Resident,
    ResidentFacts,
    Vehicle,
    resident_facts,
    search_residents,
    session_scope,
)
from tests.factories import make_cipher


@pytest.fixture
def seeded(engine: Engine, cipher: FieldCipher) -> Engine:
    with session_scope(engine) as session:
        assert seed_demo(session=session, cipher=cipher) is True
    return engine


def counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            table.__name__: session.exec(select(func.count()).select_from(table)).one()
            for table in (Community, House, Household, Resident, Organization, Vehicle)
        }


def all_facts(engine: Engine, cipher: FieldCipher) -> list[ResidentFacts]:
    with Session(engine) as session:
        residents = session.exec(select(Resident)).all()
        return [resident_facts(session=session, cipher=cipher, resident=r) for r in residents]


def test_seeding_twice_changes_nothing(seeded: Engine, cipher: FieldCipher) -> None:
    before = counts(seeded)
    with session_scope(seeded) as session:
        assert seed_demo(session=session, cipher=cipher) is False
    assert counts(seeded) == before
    assert before["Community"] == 2


def test_each_community_has_at_least_20_residents(seeded: Engine) -> None:
    with Session(seeded) as session:
        per_community = Counter(session.exec(select(Resident.community_code)))
    assert set(per_community) == {COMMUNITY_A.code, COMMUNITY_B.code}
    assert min(per_community.values()) >= 20


def test_every_demo_id_number_is_valid_and_matches_the_stored_birth_date_and_sex(
    seeded: Engine, cipher: FieldCipher
) -> None:
    facts = all_facts(seeded, cipher)
    assert len(facts) >= 40
    for person in facts:
        assert parse_id_number(person.id_number) == (
            person.id_number,
            person.birth_date,
            person.sex,
        )
    assert len({p.id_number for p in facts}) == len(facts)


def test_every_demo_phone_is_a_valid_mobile_number(seeded: Engine, cipher: FieldCipher) -> None:
    for person in all_facts(seeded, cipher):
        assert person.phone is not None
        assert validate_mobile(person.phone) == person.phone


def test_names_outside_the_bmp_survive_a_round_trip(seeded: Engine) -> None:
    # A fresh cipher and session: the names come back from the file, not from memory.
    cipher = make_cipher()
    names = {p.name for p in all_facts(seeded, cipher)}
    assert {"𠮷祥英", "谢𪚥芬"} <= names
    assert any(ord(ch) > 0xFFFF for name in names for ch in name)
    with Session(seeded) as session:
        found = search_residents(
            session=session, cipher=cipher, community=COMMUNITY_A.code, query="𪚥"
        )
    assert [r.name_masked for r in found] == ["谢*芬"]


def test_each_community_has_organizations_and_owned_vehicles(seeded: Engine) -> None:
    with Session(seeded) as session:
        orgs = Counter(session.exec(select(Organization.community_code)))
        vehicles = session.exec(select(Vehicle)).all()
        for vehicle in vehicles:
            owner = session.get(Resident, vehicle.owner_resident_id)
            assert owner is not None and owner.community_code == vehicle.community_code
    assert set(orgs) == {COMMUNITY_A.code, COMMUNITY_B.code}
    assert {v.community_code for v in vehicles} == {COMMUNITY_A.code, COMMUNITY_B.code}
