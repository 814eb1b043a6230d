from datetime import date
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from hub.crypto import FieldCipher
from hub.errors import InvalidInput, NotFound
from hub.idcard import age_on
from hub.store import (
    Resident,
    ResidentCreate,
    add_house_and_household,
    create_resident,
    get_scoped_resident,
    masked_phone,
    resident_facts,
    resident_public,
    search_residents,
    session_scope,
    timeline,
)
from tests.factories import (
    COMMUNITY,
    OTHER_COMMUNITY,
    add_community,
    add_resident,
    valid_id_number,
)

if TYPE_CHECKING:
    from tests.hub.store.conftest import RawStore

JIXIANGYING = valid_id_number("19420315", "2", seq=1)
WANGJIANGUO = valid_id_number("19450708", "1", seq=2)


@pytest.fixture
def ids(engine: Engine, cipher: FieldCipher) -> dict[str, int]:
    """Three residents of 玉祁社区 and one of 瑞星社区, committed."""
    with session_scope(engine) as session:
        people = {
            "𠮷祥英": add_resident(
                session, cipher, name="𠮷祥英", id_number=JIXIANGYING, phone="13901000315"
            ),
            "王建国": add_resident(session, cipher, name="王建国", id_number=WANGJIANGUO),
            "谢𪚥芬": add_resident(
                session, cipher, name="谢𪚥芬", birth="19421027", sex="2", seq=3
            ),
            "唐素琴": add_resident(
                session, cipher, community=OTHER_COMMUNITY, name="唐素琴", birth="19410419", seq=4
            ),
        }
    return {name: r.id for name, r in people.items() if r.id is not None}


def search(engine: Engine, cipher: FieldCipher, query: str, community: str = COMMUNITY) -> list:
    with Session(engine) as session:
        return search_residents(session=session, cipher=cipher, community=community, query=query)


def test_created_resident_gets_birth_date_and_sex_from_the_id_number(
    engine: Engine, cipher: FieldCipher, ids: dict[str, int]
) -> None:
    with Session(engine) as session:
        resident = session.get(Resident, ids["𠮷祥英"])
        assert resident is not None
        assert (resident.birth_date, resident.sex) == (date(1942, 3, 15), "2")
        assert resident.community_code == COMMUNITY


@pytest.mark.parametrize(
    ("query", "found"), [("𠮷", ["𠮷祥英"]), ("祥英", ["𠮷祥英"]), ("𪚥", ["谢𪚥芬"])]
)
def test_search_finds_residents_by_a_substring_of_the_name(
    engine: Engine, cipher: FieldCipher, ids: dict[str, int], query: str, found: list[str]
) -> None:
    assert [r.id for r in search(engine, cipher, query)] == [ids[name] for name in found]


def test_search_by_full_id_number_finds_the_one_resident(
    engine: Engine, cipher: FieldCipher, ids: dict[str, int]
) -> None:
    assert [r.id for r in search(engine, cipher, WANGJIANGUO)] == [ids["王建国"]]
    assert [r.id for r in search(engine, cipher, f" {WANGJIANGUO} ")] == [ids["王建国"]]


def test_search_by_a_partial_id_number_finds_nobody(
    engine: Engine, cipher: FieldCipher, ids: dict[str, int]
) -> None:
    assert search(engine, cipher, WANGJIANGUO[:14]) == []


def test_search_by_id_number_ending_in_lower_case_x_finds_the_resident(
    engine: Engine, cipher: FieldCipher
) -> None:
    id_number = next(
        valid_id_number("19400911", "1", seq=s)
        for s in range(100)
        if valid_id_number("19400911", "1", seq=s).endswith("X")
    )
    with session_scope(engine) as session:
        resident = add_resident(session, cipher, name="张德福", id_number=id_number)
    assert [r.id for r in search(engine, cipher, id_number.lower())] == [resident.id]


def test_empty_query_lists_only_the_callers_community(
    engine: Engine, cipher: FieldCipher, ids: dict[str, int]
) -> None:
    assert {r.id for r in search(engine, cipher, "")} == {
        ids["𠮷祥英"],
        ids["王建国"],
        ids["谢𪚥芬"],
    }
    assert [r.id for r in search(engine, cipher, "", OTHER_COMMUNITY)] == [ids["唐素琴"]]


def test_search_does_not_reach_into_another_community(
    engine: Engine, cipher: FieldCipher, ids: dict[str, int]
) -> None:
    other_id = valid_id_number("19410419", "1", seq=4)
    assert search(engine, cipher, "唐素琴") == []
    assert search(engine, cipher, other_id) == []


@pytest.mark.parametrize("community", [COMMUNITY, OTHER_COMMUNITY])
def test_an_id_number_already_registered_is_refused(
    engine: Engine, cipher: FieldCipher, ids: dict[str, int], community: str
) -> None:
    with Session(engine) as session, pytest.raises(InvalidInput) as exc:
        add_resident(session, cipher, community=community, name="冒名", id_number=WANGJIANGUO)
    assert exc.value.user_message == "该公民身份号码已登记"


def test_full_width_copy_of_a_registered_id_number_is_refused(
    engine: Engine, cipher: FieldCipher, ids: dict[str, int]
) -> None:
    # Its blind index differs from the ASCII one, so only the shape check stops a second record.
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in WANGJIANGUO)
    with Session(engine) as session, pytest.raises(InvalidInput):
        add_resident(session, cipher, name="王建国", id_number=full_width)


def test_invalid_id_number_is_refused_and_nothing_is_stored(
    engine: Engine, cipher: FieldCipher
) -> None:
    bad = WANGJIANGUO[:17] + ("0" if WANGJIANGUO[17] != "0" else "1")
    with session_scope(engine) as session:
        add_community(session)
    with Session(engine) as session:
        with pytest.raises(InvalidInput):
            create_resident(
                session=session,
                cipher=cipher,
                data=ResidentCreate(name="王建国", id_number=bad),
                community=COMMUNITY,
            )
        assert session.exec(select(Resident)).all() == []


def test_resident_of_another_community_is_not_found(engine: Engine, ids: dict[str, int]) -> None:
    with Session(engine) as session:
        with pytest.raises(NotFound):
            get_scoped_resident(session=session, resident_id=ids["唐素琴"], community=COMMUNITY)
        own = get_scoped_resident(session=session, resident_id=ids["王建国"], community=COMMUNITY)
        assert own.id == ids["王建国"]


def test_unknown_resident_is_not_found(engine: Engine, ids: dict[str, int]) -> None:
    with Session(engine) as session, pytest.raises(NotFound):
        get_scoped_resident(session=session, resident_id=max(ids.values()) + 1, community=COMMUNITY)


def test_personal_data_is_not_in_the_database_file(
    engine: Engine, raw_store: "RawStore", ids: dict[str, int]
) -> None:
    raw = raw_store.bytes()
    assert COMMUNITY.encode() in raw  # the scan does see what the store wrote
    for secret in ("𠮷祥英", "王建国", "谢𪚥芬", "唐素琴", JIXIANGYING, WANGJIANGUO, "13901000315"):
        assert secret.encode() not in raw, secret


def test_personal_data_is_not_in_any_raw_row(
    engine: Engine, raw_store: "RawStore", ids: dict[str, int]
) -> None:
    values = [str(v) for v in raw_store.values()]
    assert COMMUNITY in values
    for secret in ("𠮷", "祥英", "王建国", "谢𪚥芬", JIXIANGYING, WANGJIANGUO, "13901000315"):
        assert not any(secret in v for v in values), secret


def test_lists_show_masked_name_and_id_number_only(
    engine: Engine, cipher: FieldCipher, ids: dict[str, int]
) -> None:
    [found] = search(engine, cipher, "𠮷祥英")
    assert found.name_masked == "𠮷*英"
    assert found.id_number_masked == JIXIANGYING[:4] + "*" * 10 + JIXIANGYING[-4:]
    assert found.age == age_on(date(1942, 3, 15), date.today())
    assert JIXIANGYING not in found.model_dump_json()
    assert "祥" not in found.model_dump_json()


def test_masked_phone_and_public_view_of_one_resident(
    engine: Engine, cipher: FieldCipher, ids: dict[str, int]
) -> None:
    with Session(engine) as session:
        resident = session.get(Resident, ids["𠮷祥英"])
        assert resident is not None
        assert masked_phone(cipher=cipher, resident=resident) == "139****0315"
        public = resident_public(session=session, cipher=cipher, resident=resident)
        assert (public.name_masked, public.sex, public.address) == ("𠮷*英", "2", None)


def test_facts_give_the_clear_values_and_the_household_address(
    engine: Engine, cipher: FieldCipher
) -> None:
    with session_scope(engine) as session:
        add_community(session)
        household = add_house_and_household(
            session=session,
            community=COMMUNITY,
            building="1幢",
            unit="1单元",
            room="101室",
            address="无锡市惠山区玉祁街道玉祁社区1幢1单元101室",
        )
        resident = create_resident(
            session=session,
            cipher=cipher,
            community=COMMUNITY,
            data=ResidentCreate(
                name="𠮷祥英", id_number=JIXIANGYING.lower(), household_id=household.id
            ),
        )
    with Session(engine) as session:
        facts = resident_facts(session=session, cipher=cipher, resident=resident)
        assert (facts.name, facts.id_number, facts.phone) == ("𠮷祥英", JIXIANGYING, None)
        assert facts.address == "无锡市惠山区玉祁街道玉祁社区1幢1单元101室"
        assert (facts.community_code, facts.community_name) == (COMMUNITY, "玉祁社区")
        assert masked_phone(cipher=cipher, resident=resident) is None


def test_new_resident_has_an_empty_timeline(engine: Engine, ids: dict[str, int]) -> None:
    with Session(engine) as session:
        resident = session.get(Resident, ids["王建国"])
        assert resident is not None
        assert timeline(session=session, resident=resident) == []
