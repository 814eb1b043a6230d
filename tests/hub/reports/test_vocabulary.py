"""What IT can write beyond the shipped reports behaves as docs/reports.md says."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from hub.crypto import FieldCipher
from hub.demo import COMMUNITY_A
from hub.reports import ReportDefinition
from hub.store import House, Household, Resident, ResidentTag
from tests.hub.reports.conftest import TODAY, run

CODE = COMMUNITY_A.code


def definition(**fields: Any) -> ReportDefinition:
    return ReportDefinition.model_validate({"id": "custom", "title": "自定义", **fields})


def people(engine: Engine) -> list[Resident]:
    with Session(engine) as session:
        stmt = select(Resident).where(Resident.community_code == CODE)
        return list(session.exec(stmt.order_by(col(Resident.id))))


def age(r: Resident) -> int:
    b = r.birth_date
    return TODAY.year - b.year - ((TODAY.month, TODAY.day) < (b.month, b.day))


def test_not_in_on_tags_means_none_of_her_tags(demo: Engine, cipher: FieldCipher):
    # In the demo, 高龄 is exactly everyone 80 or older: "not 高龄" is everyone younger.
    under_80 = definition(
        source="residents",
        filters=[{"field": "tag", "op": "not_in", "value": ["高龄"]}],
        columns=[{"header": "人数", "aggregate": "count"}],
    )
    assert run(demo, cipher, under_80, CODE).rows == [[sum(age(r) < 80 for r in people(demo))]]


def test_counting_by_tag_counts_a_resident_under_each_of_her_tags(
    demo: Engine, cipher: FieldCipher
):
    by_tag = definition(
        source="residents",
        group_by=["tag"],
        columns=[{"header": "标签", "field": "tag"}, {"header": "人数", "aggregate": "count"}],
    )
    with Session(demo) as session:
        tags = session.exec(
            select(ResidentTag.tag).where(
                ResidentTag.resident_id == Resident.id, Resident.community_code == CODE
            )
        )
        expected = Counter(tags)
    assert {t: n for t, n in run(demo, cipher, by_tag, CODE).rows} == expected


def test_dates_and_numbers_filter_and_sort(demo: Engine, cipher: FieldCipher):
    born_before_1940 = definition(
        source="residents",
        filters=[{"field": "birth_date", "op": "<", "value": "1940-01-01"}],
        columns=[
            {"header": "出生日期", "field": "birth_date"},
            {"header": "年龄", "field": "age"},
        ],
        order_by=["age"],
    )
    rows = run(demo, cipher, born_before_1940, CODE).rows
    expected = sorted(
        ((r.birth_date, age(r)) for r in people(demo) if r.birth_date.year < 1940),
        key=lambda pair: pair[1],
    )
    assert [tuple(row) for row in rows] == expected and len(rows) >= 3


def test_counting_by_two_fields_sorts_by_order_by_first(demo: Engine, cipher: FieldCipher):
    by_sex_and_building = definition(
        source="residents",
        group_by=["building", "sex"],
        order_by=["sex"],
        columns=[
            {"header": "性别", "field": "sex"},
            {"header": "楼栋", "field": "building"},
            {"header": "人数", "aggregate": "count"},
        ],
    )
    with Session(demo) as session:
        expected = Counter(
            ("男" if r.sex == "1" else "女", h.building)
            for r, _, h in session.exec(
                select(Resident, Household, House).where(
                    Resident.household_id == Household.id,
                    Household.house_id == House.id,
                    Resident.community_code == CODE,
                )
            )
        )
    rows = run(demo, cipher, by_sex_and_building, CODE).rows
    assert {(s, b): n for s, b, n in rows} == expected
    assert [(s, b) for s, b, _ in rows] == sorted(
        expected, key=lambda k: (k[0] == "女", int(k[1][:-1]))
    )
