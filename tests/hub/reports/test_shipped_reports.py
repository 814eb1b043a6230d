"""Each shipped report on the demo street, against numbers read from the store directly."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from hub.crypto import FieldCipher
from hub.demo import COMMUNITY_A, COMMUNITY_B
from hub.reports import ReportDefinition
from hub.store import House, Household, Resident, ResidentTag, session_scope
from tests.hub.reports.conftest import TODAY, run

CODES = [COMMUNITY_A.code, COMMUNITY_B.code]
KEY_TAGS = ["独居", "空巢", "退役军人", "残疾人", "低保", "特困", "重点关注"]


def age(resident: Resident) -> int:
    born = resident.birth_date
    return TODAY.year - born.year - ((TODAY.month, TODAY.day) < (born.month, born.day))


def homes(session: Session, code: str) -> list[tuple[Resident, Household, House]]:
    stmt = (
        select(Resident, Household, House)
        .where(Resident.household_id == Household.id, Household.house_id == House.id)
        .where(Resident.community_code == code)
    )
    return list(session.exec(stmt))


@pytest.mark.parametrize("code", CODES)
def test_elderly_by_building_counts_everyone_80_or_older(
    demo: Engine, cipher: FieldCipher, definitions: dict[str, ReportDefinition], code: str
):
    with Session(demo) as session:
        expected = Counter(h.building for r, _, h in homes(session, code) if age(r) >= 80)
    result = run(demo, cipher, definitions["elderly-80-by-building"], code)
    assert result.headers == ["楼栋", "80周岁以上人数"]
    assert {row[0]: row[1] for row in result.rows} == expected
    assert [row[0] for row in result.rows] == sorted(expected, key=lambda b: int(b[:-1]))
    assert result.total == ["合计", sum(expected.values())]
    assert sum(expected.values()) > 5  # the demo has many old people: the test can fail


def test_households_by_type_counts_households_and_their_people(
    demo: Engine, cipher: FieldCipher, definitions: dict[str, ReportDefinition]
):
    code = COMMUNITY_A.code
    with session_scope(demo) as session:
        # A 集体户 of three people, so that types, household counts and people counts differ.
        rows = homes(session, code)
        collective = rows[0][1]
        collective.household_type = "集体户"
        for resident, _, _ in rows[1:3]:
            resident.household_id = collective.id
    with Session(demo) as session:
        households = session.exec(select(Household).where(Household.community_code == code))
        kinds = {h.id: h.household_type for h in households}
        people = Counter(
            kinds[r.household_id]
            for r in session.exec(select(Resident).where(Resident.community_code == code))
        )
    result = run(demo, cipher, definitions["households-by-type"], code)
    assert result.headers == ["户类型", "户数", "人口数"]
    assert {row[0]: (row[1], row[2]) for row in result.rows} == {
        kind: (n, people[kind]) for kind, n in Counter(kinds.values()).items()
    }
    assert dict(people) == {"家庭户": 19, "集体户": 3}
    assert result.total == ["合计", len(kinds), sum(people.values())]


def test_house_safety_lists_every_status_even_when_none_is_in_it(
    demo: Engine, cipher: FieldCipher, definitions: dict[str, ReportDefinition]
):
    code = COMMUNITY_A.code
    with session_scope(demo) as session:
        houses = session.exec(select(House).where(House.community_code == code)).all()
        houses[0].safety_status = "C级危房"
        houses[1].safety_status = "C级危房"
        houses[2].safety_status = "一般隐患"
        other = session.exec(select(House).where(House.community_code == COMMUNITY_B.code))
        other.first().safety_status = "D级危房"  # type: ignore[union-attr]
    with Session(demo) as session:
        mine = session.exec(select(House.safety_status).where(House.community_code == code))
        expected = Counter(mine)
    result = run(demo, cipher, definitions["house-safety"], code)
    assert expected["D级危房"] == 0 and expected["C级危房"] >= 2
    assert result.rows == [
        ["安全", expected["安全"]],
        ["一般隐患", expected["一般隐患"]],
        ["C级危房", expected["C级危房"]],
        ["D级危房", 0],  # B's D级危房 is not A's
    ]
    assert result.total == ["合计", len(houses)]


@pytest.mark.parametrize("code", CODES)
def test_key_people_are_listed_per_tag_with_masked_names(
    demo: Engine, cipher: FieldCipher, definitions: dict[str, ReportDefinition], code: str
):
    with Session(demo) as session:
        tagged = session.exec(
            select(ResidentTag, Resident)
            .where(ResidentTag.resident_id == Resident.id, Resident.community_code == code)
            .where(ResidentTag.tag.in_(KEY_TAGS))  # type: ignore[attr-defined]
        ).all()
        expected = sorted(
            (t.tag, masked(cipher.decrypt(r.name_enc, context="resident.name")), r.id_number_masked)
            for t, r in tagged
        )
    result = run(demo, cipher, definitions["key-people"], code)
    assert result.headers == ["标签", "姓名", "公民身份号码", "性别", "年龄", "住址"]
    assert sorted(tuple(row[:3]) for row in result.rows) == expected
    tags = [KEY_TAGS.index(str(row[0])) for row in result.rows]
    assert tags == sorted(tags)  # grouped by tag, in the vocabulary's order
    assert len(result.rows) >= 2


def test_key_people_of_the_demo_community(
    demo: Engine, cipher: FieldCipher, definitions: dict[str, ReportDefinition]
):
    result = run(demo, cipher, definitions["key-people"], COMMUNITY_A.code)
    assert [tuple(row[:2]) for row in result.rows] == [
        ("独居", "𠮷*英"),
        ("退役军人", "王*国"),  # also 党员, which is not a key tag: listed once
        ("残疾人", "周*明"),
        ("特困", "何*海"),  # two key tags: listed under each
        ("重点关注", "何*海"),
    ]
    assert all("*" in row[2] for row in result.rows)  # ID numbers masked (str)
    flat = str(result.model_dump())
    assert "𠮷祥英" not in flat and "王建国" not in flat


def masked(name: str) -> str:
    return name[0] + "*" * max(len(name) - 2, 1) + (name[-1] if len(name) > 2 else "")
