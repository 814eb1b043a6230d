from collections import Counter

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from hub.crypto import FieldCipher
from hub.demo import COMMUNITY_A, COMMUNITY_B, DEMO_CIVIL_LOGINS, seed_demo
from hub.idcard import parse_id_number, validate_mobile
from hub.settings import SimulatorSettings
from hub.store import (
    Community,
    Credential,
    CredentialBind,
    House,
    Household,
    Organization,
    Resident,
    ResidentFacts,
    Vehicle,
    bind_credential,
    current_credential,
    open_credential,
    resident_facts,
    search_residents,
    session_scope,
    unbind,
)
from tests.factories import DEMO_CIVIL_ACCOUNTS, make_cipher, make_vault

VAULT = make_vault()


OTHER_ACCOUNTS = {
    "disability_allowance": SimulatorSettings().disability_accounts,
    "veterans": SimulatorSettings().veterans_accounts,
}


def seed(engine: Engine, cipher: FieldCipher) -> bool:
    with session_scope(engine) as session:
        return seed_demo(
            session=session,
            cipher=cipher,
            vault=VAULT,
            civil_accounts=DEMO_CIVIL_ACCOUNTS,
            other_accounts=OTHER_ACCOUNTS,
        )


@pytest.fixture
def seeded(engine: Engine, cipher: FieldCipher) -> Engine:
    assert seed(engine, cipher) is True
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
    credentials_before = credential_ids(seeded)
    assert seed(seeded, cipher) is False
    assert counts(seeded) == before
    assert credential_ids(seeded) == credentials_before
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


def credential_ids(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return sorted(session.exec(select(Credential.id)))


def test_each_demo_worker_has_her_own_verified_civil_affairs_account(seeded: Engine) -> None:
    with Session(seeded) as session:
        for worker, (login, community) in DEMO_CIVIL_LOGINS.items():
            credential = current_credential(
                session=session, owner=worker, connector_id="civil_affairs"
            )
            assert credential is not None, worker
            assert (credential.state, credential.community_code) == ("verified", community)
            assert open_credential(vault=VAULT, credential=credential) == (
                login,
                DEMO_CIVIL_ACCOUNTS[login],
            )
    assert len({login for login, _ in DEMO_CIVIL_LOGINS.values()}) == 2  # not one shared account


@pytest.mark.parametrize("connector_id", sorted(OTHER_ACCOUNTS))
def test_each_demo_worker_has_her_own_account_at_the_other_login_systems(
    seeded: Engine, connector_id: str
) -> None:
    with Session(seeded) as session:
        for worker, (login, _) in DEMO_CIVIL_LOGINS.items():
            credential = current_credential(
                session=session, owner=worker, connector_id=connector_id
            )
            assert credential is not None and credential.state == "verified", worker
            assert open_credential(vault=VAULT, credential=credential) == (
                login,
                OTHER_ACCOUNTS[connector_id][login],
            )


def test_a_store_seeded_before_the_vault_gets_the_demo_accounts(
    seeded: Engine, cipher: FieldCipher
) -> None:
    with session_scope(seeded) as session:
        unbind(session=session, owner="worker-a", connector_id="civil_affairs")

    assert seed(seeded, cipher) is False  # the street was there; only the account is new

    with Session(seeded) as session:
        assert current_credential(session=session, owner="worker-a", connector_id="civil_affairs")


def test_seeding_keeps_an_account_the_worker_bound_herself(
    seeded: Engine, cipher: FieldCipher
) -> None:
    with session_scope(seeded) as session:
        mine = bind_credential(
            session=session,
            vault=VAULT,
            community=COMMUNITY_A.code,
            owner="worker-a",
            connector_id="civil_affairs",
            data=CredentialBind.model_validate({"login_name": "wanghong2", "password": "New-1!"}),
            verified=True,
        )

    seed(seeded, cipher)

    with Session(seeded) as session:
        kept = current_credential(session=session, owner="worker-a", connector_id="civil_affairs")
        assert kept is not None and kept.id == mine.id
