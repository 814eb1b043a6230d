"""房屋安全排查登记: what the worker types is checked on the server, every problem at once, in
Chinese; a C or D house needs its hazards; and the answers are what the connector files."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from connectors.housing_safety import connector
from connectors.sdk import Application
from hub.clock import beijing_today
from hub.errors import InvalidInput
from hub.forms import parse_answers
from hub.forms._house_safety import HOUSE_SAFETY, HouseSafetyAnswers
from hub.store import ResidentFacts

CJK = re.compile(r"[\u4e00-\u9fff]")
OWNER = ResidentFacts(
    id=1,
    name="王秀英",
    id_number="320206193607080025",
    phone="13902000419",
    sex="2",
    birth_date=date(1936, 7, 8),
    address="无锡市梁溪区崇安寺街道健康路12号",
    community_code="320213001002",
    community_name="健康社区",
)


def answers(**overrides: str) -> dict[str, str]:
    raw = {
        "phone": "13902000419",
        "address": "无锡市梁溪区崇安寺街道健康路12号",
        "structure": "砖混",
        "built_year": "1985",
        "floors": "3",
        "safety_level": "C",
        "hazards": "北侧承重墙斜向开裂",
        "applied_on": "2026-11-24",
        "inspector": "李芳",
    }
    return raw | overrides


def parse(raw: dict[str, str]) -> HouseSafetyAnswers:
    parsed = parse_answers(HOUSE_SAFETY, raw)
    assert isinstance(parsed, HouseSafetyAnswers)
    return parsed


def field_errors(raw: dict[str, str]) -> dict[str, str]:
    with pytest.raises(InvalidInput) as exc:
        parse(raw)
    return exc.value.field_errors


def test_valid_answers_are_parsed_and_tidied() -> None:
    parsed = parse(
        answers(floors=" 03 ", hazards=" 屋面渗漏 ", inspector=" 李芳", built_year="1985 ")
    )

    assert (parsed.floors, parsed.hazards, parsed.inspector) == ("3", "屋面渗漏", "李芳")
    assert (parsed.built_year, parsed.applied_on) == ("1985", date(2026, 11, 24))


def test_every_bad_field_is_reported_at_once_in_chinese() -> None:
    errors = field_errors(
        answers(
            phone="123",
            address="无锡",
            structure="钢结构",
            built_year="85",
            floors="0",
            safety_level="E",
            inspector="",
        )
    )

    assert set(errors) == {
        "phone",
        "address",
        "structure",
        "built_year",
        "floors",
        "safety_level",
        "inspector",
    }
    assert all(CJK.search(message) for message in errors.values())
    assert errors["address"] == "请填写完整的房屋地址"  # the house's, not 户籍地址


@pytest.mark.parametrize("year", ["1899", str(beijing_today().year + 1), "１９８５", "85", ""])
def test_a_build_year_outside_1900_to_this_year_is_refused(year: str) -> None:
    assert "建成年份" in field_errors(answers(built_year=year))["built_year"]


@pytest.mark.parametrize("floors", ["0", "100", "1.5", "２", "", "三"])
def test_floors_outside_1_to_99_are_refused(floors: str) -> None:
    assert field_errors(answers(floors=floors)) == {"floors": "层数应为1至99的整数"}


def test_an_inspection_cannot_be_dated_after_today() -> None:
    tomorrow = (beijing_today() + timedelta(days=1)).isoformat()

    assert field_errors(answers(applied_on=tomorrow)) == {"applied_on": "排查日期不能晚于今天"}
    assert parse(answers(applied_on=beijing_today().isoformat())).applied_on == beijing_today()


def test_hazards_longer_than_the_platform_takes_are_refused_here_first() -> None:
    assert "hazards" in field_errors(answers(hazards="裂" * 501))


@pytest.mark.parametrize("level", ["C", "D"])
def test_a_dangerous_house_must_describe_its_hazards(level: str) -> None:
    parsed = parse(answers(safety_level=level, hazards="   "))

    with pytest.raises(InvalidInput) as exc:
        HOUSE_SAFETY.check(OWNER, parsed)

    assert exc.value.field_errors == {"hazards": "安全等级为C级或D级时须填写隐患描述"}
    assert exc.value.user_message == "安全等级为C级或D级时须填写隐患描述"


@pytest.mark.parametrize("level", ["A", "B"])
def test_a_safe_house_may_leave_hazards_out(level: str) -> None:
    raw = answers(safety_level=level)
    del raw["hazards"]

    parsed = parse(raw)
    HOUSE_SAFETY.check(OWNER, parsed)  # does not raise

    assert parsed.hazards == ""


def test_the_form_asks_the_owner_and_the_platforms_levels() -> None:
    fields = {f.name: f for f in HOUSE_SAFETY.fields}

    assert {f.name for f in HOUSE_SAFETY.fields if f.source != "store"} == set(
        HouseSafetyAnswers.model_fields
    )
    assert fields["id_number"].masked and fields["name"].label == "产权人/使用人"
    assert [code for code, _ in fields["safety_level"].options] == ["A", "B", "C", "D"]
    assert all(CJK.search(text) for _, text in fields["safety_level"].options)
    assert (fields["applied_on"].label, fields["applied_on"].source) == ("排查日期", "prefill")
    assert HOUSE_SAFETY.targets == ["housing_safety"]


def test_the_answers_are_what_the_housing_connector_files() -> None:
    parsed = parse(answers(floors="03"))
    snapshot = OWNER.model_dump(exclude={"id"}) | parsed.model_dump(mode="json")

    body = connector.map(Application.from_snapshot(HOUSE_SAFETY.id, snapshot))

    assert body["floors"] == "3" and body["inspected_on"] == "2026-11-24"
    assert (body["owner_name"], body["owner_id_number"]) == (OWNER.name, OWNER.id_number)
    assert body["hazards"] == "北侧承重墙斜向开裂"
