"""Resident search: part of a name through truncated blind indexes, a tag, part of an address,
a full ID number; always inside one community, never by decrypting everyone."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, delete, select

from hub.crypto import FieldCipher
from hub.store import (
    Resident,
    ResidentNameToken,
    ResidentUpdate,
    _name_search,
    add_house_and_household,
    index_all_names,
    search_residents,
    session_scope,
    set_tags,
    update_resident,
)
from tests.factories import COMMUNITY, OTHER_COMMUNITY, add_community, add_resident

PEOPLE = ["𠮷祥英", "王建国", "王秀英", "谢𪚥芬", "阿依古丽·买买提", "欧阳春"]


@pytest.fixture
def ids(engine: Engine, cipher: FieldCipher) -> dict[str, int]:
    """Six residents of 玉祁社区 living at two addresses, and 王秀兰 of 瑞星社区."""
    with session_scope(engine) as session:
        add_community(session, COMMUNITY)
        homes = [
            add_house_and_household(
                session=session,
                community=COMMUNITY,
                building=f"{b}幢",
                unit="1单元",
                room="101室",
                address=f"无锡市惠山区玉祁街道锡玉路{b}幢1单元101室",
            )
            for b in (3, 12)
        ]
        found = {}
        for seq, name in enumerate(PEOPLE, start=1):
            resident = add_resident(session, cipher, name=name, seq=seq, birth="19400101")
            resident.household_id = homes[seq % 2].id
            found[name] = resident.id or 0
        other = add_resident(
            session, cipher, community=OTHER_COMMUNITY, name="王秀兰", seq=40, birth="19400101"
        )
        found["王秀兰"] = other.id or 0
        set_tags(session=session, resident=session.get(Resident, found["王建国"]), tags=["独居"])
        set_tags(session=session, resident=other, tags=["独居"])
    return found


def names(engine: Engine, cipher: FieldCipher, ids: dict[str, int], query: str) -> list[str]:
    by_id = {v: k for k, v in ids.items()}
    with Session(engine) as session:
        found = search_residents(session=session, cipher=cipher, community=COMMUNITY, query=query)
    return [by_id[r.id] for r in found]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("王", ["王建国", "王秀英"]),
        ("秀英", ["王秀英"]),
        ("英", ["𠮷祥英", "王秀英"]),
        ("𠮷", ["𠮷祥英"]),  # outside the BMP: one character, not a surrogate pair
        ("𠮷祥英", ["𠮷祥英"]),
        ("𪚥芬", ["谢𪚥芬"]),
        ("欧阳", ["欧阳春"]),
        ("阿依古丽买买提", ["阿依古丽·买买提"]),  # the name dot is optional
        ("ＡＢ", []),
        ("王国", []),  # both pieces' characters occur, but not side by side
    ],
)
def test_part_of_a_name_finds_exactly_the_residents_whose_name_contains_it(
    engine: Engine, cipher: FieldCipher, ids: dict[str, int], query: str, expected: list[str]
) -> None:
    assert names(engine, cipher, ids, query) == expected


def test_a_tag_finds_the_tagged_residents_of_her_community_only(
    engine: Engine, cipher: FieldCipher, ids: dict[str, int]
) -> None:
    assert names(engine, cipher, ids, "独居") == ["王建国"]


def test_part_of_an_address_finds_the_residents_living_there(
    engine: Engine, cipher: FieldCipher, ids: dict[str, int]
) -> None:
    # seq % 2 == 1 lives at 12幢: 𠮷祥英, 王秀英, 阿依古丽·买买提.
    assert names(engine, cipher, ids, "12幢") == ["𠮷祥英", "王秀英", "阿依古丽·买买提"]
    assert names(engine, cipher, ids, "锡玉路") == PEOPLE
    assert names(engine, cipher, ids, "100%") == []  # LIKE wildcards are taken literally


def test_results_are_capped_and_lowest_id_first(
    engine: Engine, cipher: FieldCipher, ids: dict[str, int]
) -> None:
    with Session(engine) as session:
        found = search_residents(
            session=session, cipher=cipher, community=COMMUNITY, query="锡玉路", limit=2
        )
    assert [r.id for r in found] == [ids["𠮷祥英"], ids["王建国"]]


def test_false_matches_of_the_truncated_index_are_dropped_by_decrypting(
    engine: Engine, cipher: FieldCipher, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # One hex digit: 16 buckets, so nearly every piece collides with some other piece.
    monkeypatch.setattr(_name_search, "TOKEN_LENGTH", 1)
    with session_scope(engine) as session:
        session.exec(delete(ResidentNameToken))
        index_all_names(session=session, cipher=cipher)
    assert names(engine, cipher, ids, "秀英") == ["王秀英"]
    assert names(engine, cipher, ids, "建") == ["王建国"]


def test_a_changed_name_is_found_by_the_new_name_only(
    engine: Engine, cipher: FieldCipher, ids: dict[str, int]
) -> None:
    with session_scope(engine) as session:
        resident = session.get(Resident, ids["王建国"])
        assert resident is not None
        update_resident(
            session=session, cipher=cipher, resident=resident, data=ResidentUpdate(name="王建华")
        )
    assert names(engine, cipher, ids, "建华") == ["王建国"]  # (keyed by her first name here)
    assert names(engine, cipher, ids, "建国") == []


def test_residents_stored_before_the_index_are_indexed_once(
    engine: Engine, cipher: FieldCipher, ids: dict[str, int]
) -> None:
    with session_scope(engine) as session:
        session.exec(delete(ResidentNameToken))
    assert names(engine, cipher, ids, "秀英") == []
    with session_scope(engine) as session:
        assert index_all_names(session=session, cipher=cipher) == len(ids)
        assert index_all_names(session=session, cipher=cipher) == 0
    assert names(engine, cipher, ids, "秀英") == ["王秀英"]


def test_the_index_holds_short_hashes_not_names(
    engine: Engine, cipher: FieldCipher, ids: dict[str, int]
) -> None:
    with Session(engine) as session:
        tokens = session.exec(select(ResidentNameToken.token)).all()
        per_resident = session.exec(
            select(func.count()).where(ResidentNameToken.resident_id == ids["王秀英"])
        ).one()
    assert tokens and all(len(t) == _name_search.TOKEN_LENGTH for t in tokens)
    assert all(set(t) <= set("0123456789abcdef") for t in tokens)
    assert per_resident == 5  # 王, 秀, 英, 王秀, 秀英
