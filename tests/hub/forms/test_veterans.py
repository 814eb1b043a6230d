"""退役军人信息采集 (forms/veterans.toml): what the worker types is checked on the server, every
problem at once, in Chinese; the enlisting age against the store's birth date; and the code
tables it offers."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic_core import to_jsonable_python

from hub.forms import FORMS
from hub.forms._codes import DISCHARGE_TYPES, ETHNIC_GROUPS, PLACEMENTS
from tests.hub.forms._bundled import (
    accepted,
    answers,
    cleaned,
    codes,
    field_errors,
    refusal,
    shape,
)
from tests.hub.forms._form_samples import TOMORROW, facts

FORM = "veterans-info"


def test_valid_answers_are_cleaned_and_tidied() -> None:
    values = cleaned(FORM, answers(FORM, unit=" 南京军区某部 ", hardship="  因病致困 "))

    assert (values["enlisted_on"], values["discharged_on"]) == (
        date(1986, 12, 1),
        date(1990, 12, 1),
    )
    assert (values["unit"], values["hardship"]) == ("南京军区某部", "因病致困")
    # The snapshot a delivery reads its answers from: ISO dates, codes as chosen.
    snapshot = to_jsonable_python(values)
    assert (snapshot["enlisted_on"], snapshot["receives_pension"]) == ("1986-12-01", "no")


def test_the_hardship_may_be_left_out() -> None:
    raw = answers(FORM)
    del raw["hardship"]

    assert cleaned(FORM, raw)["hardship"] == ""


def test_every_bad_field_is_reported_at_once_in_chinese() -> None:
    errors = field_errors(
        FORM,
        answers(
            FORM,
            ethnic_group="汉族",
            unit="某",
            discharge_type="5",
            rank="",
            placement="0",
            receives_pension="是",
            hardship="困" * 501,
        ),
    )

    assert errors == {
        "ethnic_group": "请选择民族",
        "unit": "请填写服役部队（2至50个字）",
        "discharge_type": "请选择退役类别",
        "rank": "请填写军衔/级别（不超过20个字）",
        "placement": "请选择安置方式",
        "receives_pension": "请选择是否享受抚恤补助",
        "hardship": "困难情况不能超过500个字",
    }


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"discharged_on": "1986-12-01"}, {"discharged_on": "退役时间应晚于入伍时间"}),
        ({"discharged_on": "1980-01-01"}, {"discharged_on": "退役时间应晚于入伍时间"}),
        ({"discharged_on": TOMORROW}, {"discharged_on": "退役时间不能晚于今天"}),
        (
            {"enlisted_on": TOMORROW, "discharged_on": TOMORROW},
            {"enlisted_on": "入伍时间不能晚于今天", "discharged_on": "退役时间不能晚于今天"},
        ),
        ({"enlisted_on": "1986/12/01"}, {"enlisted_on": "日期格式应为 年-月-日，例如 2026-11-25"}),
    ],
    ids=["same-day", "before", "future", "both-future", "format"],
)
def test_service_dates_must_be_in_order_and_not_in_the_future(
    overrides: dict[str, str], expected: dict[str, str]
) -> None:
    assert field_errors(FORM, answers(FORM, **overrides)) == expected


@pytest.mark.parametrize(("unit", "rank"), [("南京", "士"), ("部" * 50, "级" * 20)])
def test_unit_and_rank_at_the_edges_of_their_lengths_are_accepted(unit: str, rank: str) -> None:
    values = cleaned(FORM, answers(FORM, unit=unit, rank=rank))

    assert (values["unit"], values["rank"]) == (unit, rank)


def test_missing_fields_are_each_reported_as_required() -> None:
    required = [
        "phone",
        "address",
        "ethnic_group",
        "enlisted_on",
        "discharged_on",
        "unit",
        "discharge_type",
        "rank",
        "placement",
        "receives_pension",
        "applied_on",
    ]

    assert field_errors(FORM, {}) == dict.fromkeys(required, "此项为必填项")


@pytest.mark.parametrize("birth", [date(1970, 12, 1), date(1950, 4, 12)], ids=["16-that-day", "36"])
def test_a_veteran_16_or_older_on_enlisting_passes(birth: date) -> None:
    assert accepted(FORM, answers(FORM), facts(birth))


def test_nobody_enlists_before_turning_16() -> None:
    one_day_short = date(1970, 12, 2)

    refused = refusal(FORM, answers(FORM), facts(one_day_short))

    assert refused.user_message == "入伍时未满16周岁，请核对入伍时间"
    assert refused.field_errors == {"enlisted_on": "入伍时未满16周岁，请核对入伍时间"}


def test_the_ethnic_groups_are_the_56_of_gbt_3304_in_code_order() -> None:
    assert len(ETHNIC_GROUPS) == len({name for _, name in ETHNIC_GROUPS}) == 56
    assert ETHNIC_GROUPS[0] == ("01", "汉族")
    assert ETHNIC_GROUPS[7] == ("08", "壮族")
    assert ETHNIC_GROUPS[-1] == ("56", "基诺族")
    assert [code for code, _ in ETHNIC_GROUPS] == [f"{i:02d}" for i in range(1, 57)]


def test_the_form_asks_for_the_service_and_files_it_to_the_veterans_system() -> None:
    template = FORMS[FORM]

    assert template.title == "退役军人信息采集"
    assert shape(template) == [
        ("name", "姓名", "text", "store resident.name"),
        ("id_number", "公民身份号码", "idcard", "store resident.id_number"),
        ("sex", "性别", "select", "store resident.sex"),
        ("birth_date", "出生日期", "date", "store resident.birth_date"),
        ("phone", "联系电话", "tel", "bind resident.phone"),
        ("address", "户籍地址", "text", "bind resident.address"),
        ("ethnic_group", "民族", "select", "worker"),
        ("enlisted_on", "入伍时间", "date", "worker"),
        ("discharged_on", "退役时间", "date", "worker"),
        ("unit", "服役部队", "text", "worker"),
        ("discharge_type", "退役类别", "select", "worker"),
        ("rank", "军衔/级别", "text", "worker"),
        ("placement", "安置方式", "select", "worker"),
        ("receives_pension", "是否享受抚恤补助", "select", "worker"),
        ("hardship", "困难情况", "textarea", "worker"),
        ("applied_on", "采集日期", "date", "bind today"),
    ]
    assert "veterans" in template.targets
    assert template.checks == ["enlisting_age"]
    selects = {f.name: f.choices for f in template.fields if f.type == "select"}
    assert selects["ethnic_group"] == ETHNIC_GROUPS
    assert selects["discharge_type"] == DISCHARGE_TYPES
    assert selects["placement"] == PLACEMENTS
    assert dict(selects["receives_pension"]) == {"yes": "是", "no": "否"}
    assert codes(template)["sex"] == ["1", "2"]
