"""房屋安全排查登记 (forms/house-safety.toml): what the worker types is checked on the server,
every problem at once, in Chinese; a C or D house needs its hazards; and the answers are what
the connector files."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic_core import to_jsonable_python

from connectors.housing_safety import connector
from connectors.sdk import Application
from hub.clock import beijing_today
from hub.forms import FORMS
from hub.store import ResidentFacts
from tests.hub.forms._bundled import (
    CJK,
    accepted,
    answers,
    cleaned,
    codes,
    field_errors,
    refusal,
    shape,
)

FORM = "house-safety"
THIS_YEAR = beijing_today().year
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


def test_valid_answers_are_cleaned_and_tidied() -> None:
    raw = answers(FORM, floors=" 03 ", hazards=" 屋面渗漏 ", inspector=" 李芳", built_year="1985 ")

    values = cleaned(FORM, raw)

    assert (values["floors"], values["hazards"], values["inspector"]) == ("3", "屋面渗漏", "李芳")
    assert (values["built_year"], values["applied_on"]) == ("1985", date(2026, 11, 24))


def test_every_bad_field_is_reported_at_once_in_chinese() -> None:
    raw = answers(
        FORM,
        phone="123",
        address="无锡",
        structure="钢结构",
        built_year="85",
        floors="0",
        safety_level="E",
        inspector="",
    )

    assert field_errors(FORM, raw) == {
        "phone": "手机号码应为以1开头的11位数字",
        "address": "请填写完整的房屋地址",  # the house's, not 户籍地址
        "structure": "请选择结构类型",
        "built_year": f"建成年份应为1900至{THIS_YEAR}之间的四位年份",
        "floors": "层数应为1至99的整数",
        "safety_level": "请选择安全等级",
        "inspector": "请填写排查人姓名（2至20个字）",
    }


@pytest.mark.parametrize("year", ["1899", str(THIS_YEAR + 1), "１９８５", "85", "", "01985"])
def test_a_build_year_outside_1900_to_this_year_is_refused(year: str) -> None:
    assert field_errors(FORM, answers(FORM, built_year=year)) == {
        "built_year": f"建成年份应为1900至{THIS_YEAR}之间的四位年份"
    }


@pytest.mark.parametrize("year", ["1900", str(THIS_YEAR)])
def test_a_build_year_from_1900_to_this_year_is_accepted(year: str) -> None:
    assert cleaned(FORM, answers(FORM, built_year=year))["built_year"] == year


@pytest.mark.parametrize("floors", ["0", "100", "1.5", "２", "", "三", "003"])
def test_floors_outside_1_to_99_are_refused(floors: str) -> None:
    assert field_errors(FORM, answers(FORM, floors=floors)) == {"floors": "层数应为1至99的整数"}


@pytest.mark.parametrize(("floors", "kept"), [("1", "1"), ("99", "99"), ("03", "3")])
def test_floors_from_1_to_99_are_kept_as_a_plain_number(floors: str, kept: str) -> None:
    assert cleaned(FORM, answers(FORM, floors=floors))["floors"] == kept


def test_an_inspection_cannot_be_dated_after_today() -> None:
    tomorrow = (beijing_today() + timedelta(days=1)).isoformat()

    assert field_errors(FORM, answers(FORM, applied_on=tomorrow)) == {
        "applied_on": "排查日期不能晚于今天"
    }
    today = answers(FORM, applied_on=beijing_today().isoformat())
    assert cleaned(FORM, today)["applied_on"] == beijing_today()


def test_hazards_longer_than_the_platform_takes_are_refused_here_first() -> None:
    assert field_errors(FORM, answers(FORM, hazards="裂" * 501)) == {
        "hazards": "隐患描述不能超过500个字"
    }


def test_missing_fields_are_each_reported_as_required() -> None:
    required = [
        "phone",
        "address",
        "structure",
        "built_year",
        "floors",
        "safety_level",
        "applied_on",
        "inspector",
    ]

    assert field_errors(FORM, {}) == dict.fromkeys(required, "此项为必填项")


@pytest.mark.parametrize("level", ["C", "D"])
@pytest.mark.parametrize("hazards", ["   ", None])
def test_a_dangerous_house_must_describe_its_hazards(level: str, hazards: str | None) -> None:
    raw = answers(FORM, safety_level=level)
    if hazards is None:
        del raw["hazards"]
    else:
        raw["hazards"] = hazards

    refused = refusal(FORM, raw, OWNER)

    assert refused.field_errors == {"hazards": "安全等级为C级或D级时须填写隐患描述"}
    assert refused.user_message == "安全等级为C级或D级时须填写隐患描述"


@pytest.mark.parametrize("level", ["A", "B"])
def test_a_safe_house_may_leave_hazards_out(level: str) -> None:
    raw = answers(FORM, safety_level=level)
    del raw["hazards"]

    assert accepted(FORM, raw, OWNER)["hazards"] == ""
    assert accepted(FORM, raw | {"hazards": "   "}, OWNER)["hazards"] == ""


def test_the_form_asks_the_owner_and_the_platforms_levels() -> None:
    template = FORMS[FORM]

    assert template.title == "房屋安全排查登记"
    assert shape(template) == [
        ("name", "产权人/使用人", "text", "store resident.name"),
        ("id_number", "公民身份号码", "idcard", "store resident.id_number"),
        ("sex", "性别", "select", "store resident.sex"),
        ("birth_date", "出生日期", "date", "store resident.birth_date"),
        ("phone", "联系电话", "tel", "bind resident.phone"),
        ("address", "房屋地址", "text", "bind resident.address"),
        ("structure", "结构类型", "select", "worker"),
        ("built_year", "建成年份", "number", "worker"),
        ("floors", "层数", "number", "worker"),
        ("safety_level", "安全等级", "select", "worker"),
        ("hazards", "隐患描述", "textarea", "worker"),
        ("applied_on", "排查日期", "date", "bind today"),
        ("inspector", "排查人", "text", "worker"),
    ]
    assert "housing_safety" in template.targets
    assert template.checks == ["hazards_when_dangerous"]
    assert codes(template) == {
        "sex": ["1", "2"],
        "structure": ["砖混", "框架", "砖木", "其他"],
        "safety_level": ["A", "B", "C", "D"],
    }
    levels = next(f for f in template.fields if f.name == "safety_level")
    assert all(CJK.search(text) for _, text in levels.choices)


def test_the_answers_are_what_the_housing_connector_files() -> None:
    values = accepted(FORM, answers(FORM, floors="03"), OWNER)
    snapshot = OWNER.model_dump(exclude={"id"}) | to_jsonable_python(values)

    body = connector.map(Application.from_snapshot(FORM, snapshot))

    assert body["floors"] == "3" and body["inspected_on"] == "2026-11-24"
    assert (body["owner_name"], body["owner_id_number"]) == (OWNER.name, OWNER.id_number)
    assert body["hazards"] == "北侧承重墙斜向开裂"
