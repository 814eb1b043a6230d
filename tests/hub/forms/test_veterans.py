"""退役军人信息采集: what the worker types is checked on the server, every problem at once, in
Chinese; the enlisting age against the store's birth date; and the code tables it offers."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from hub.clock import beijing_today
from hub.errors import InvalidInput
from hub.forms import parse_answers
from hub.forms._codes import ETHNIC_GROUPS
from hub.forms._veterans import VETERANS, VeteransAnswers
from hub.store import ResidentFacts

CJK = re.compile(r"[\u4e00-\u9fff]")
TOMORROW = (beijing_today() + timedelta(days=1)).isoformat()


def answers(**overrides: str) -> dict[str, str]:
    raw = {
        "phone": "13812345678",
        "address": "江苏省无锡市惠山区堰桥街道锡澄路88号",
        "ethnic_group": "01",
        "enlisted_on": "1986-12-01",
        "discharged_on": "1990-12-01",
        "unit": "南京军区某部",
        "discharge_type": "4",
        "rank": "中士",
        "placement": "1",
        "receives_pension": "no",
        "hardship": "",
        "applied_on": "2026-11-28",
    }
    return raw | overrides


def parse(raw: dict[str, str]) -> VeteransAnswers:
    parsed = parse_answers(VETERANS, raw)
    assert isinstance(parsed, VeteransAnswers)
    return parsed


def field_errors(raw: dict[str, str]) -> dict[str, str]:
    with pytest.raises(InvalidInput) as exc:
        parse(raw)
    return exc.value.field_errors


def facts(birth: date) -> ResidentFacts:
    return ResidentFacts(
        id=1,
        name="陈建国",
        id_number="32020619680412027X",
        phone="13812345678",
        sex="1",
        birth_date=birth,
        address="江苏省无锡市惠山区堰桥街道锡澄路88号",
        community_code="320206001001",
        community_name="堰桥街道锡澄社区",
    )


def test_valid_answers_are_parsed_and_tidied() -> None:
    parsed = parse(answers(unit=" 南京军区某部 ", hardship="  因病致困 "))

    assert (parsed.enlisted_on, parsed.discharged_on) == (date(1986, 12, 1), date(1990, 12, 1))
    assert (parsed.unit, parsed.hardship) == ("南京军区某部", "因病致困")
    # The snapshot a delivery reads its answers from: ISO dates, codes as chosen.
    dumped = parsed.model_dump(mode="json")
    assert (dumped["enlisted_on"], dumped["receives_pension"]) == ("1986-12-01", "no")


def test_the_hardship_may_be_left_out() -> None:
    raw = answers()
    del raw["hardship"]

    assert parse(raw).hardship == ""


def test_every_bad_field_is_reported_at_once_in_chinese() -> None:
    errors = field_errors(
        answers(
            ethnic_group="汉族",
            unit="某",
            discharge_type="5",
            rank="",
            placement="0",
            receives_pension="是",
            hardship="困" * 501,
        )
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
    assert field_errors(answers(**overrides)) == expected


def test_missing_fields_are_each_reported_as_required() -> None:
    errors = field_errors({})

    assert set(errors) == set(VeteransAnswers.model_fields) - {"hardship"}
    assert set(errors.values()) == {"此项为必填项"}


@pytest.mark.parametrize("birth", [date(1970, 12, 1), date(1950, 4, 12)], ids=["16-that-day", "36"])
def test_a_veteran_16_or_older_on_enlisting_passes(birth: date) -> None:
    VETERANS.check(facts(birth), parse(answers()))


def test_nobody_enlists_before_turning_16() -> None:
    one_day_short = date(1970, 12, 2)

    with pytest.raises(InvalidInput) as exc:
        VETERANS.check(facts(one_day_short), parse(answers()))

    assert exc.value.user_message == "入伍时未满16周岁，请核对入伍时间"
    assert exc.value.field_errors == {"enlisted_on": "入伍时未满16周岁，请核对入伍时间"}


def test_the_ethnic_groups_are_the_56_of_gbt_3304_in_code_order() -> None:
    assert len(ETHNIC_GROUPS) == len({name for _, name in ETHNIC_GROUPS}) == 56
    assert ETHNIC_GROUPS[0] == ("01", "汉族")
    assert ETHNIC_GROUPS[7] == ("08", "壮族")
    assert ETHNIC_GROUPS[-1] == ("56", "基诺族")
    assert [code for code, _ in ETHNIC_GROUPS] == [f"{i:02d}" for i in range(1, 57)]


def test_the_form_asks_for_each_answer_it_validates_and_targets_the_veterans_system() -> None:
    typed = {f.name for f in VETERANS.fields if f.source != "store"}

    assert typed == set(VeteransAnswers.model_fields)
    assert all(CJK.search(f.label) for f in VETERANS.fields)
    assert VETERANS.targets == ["veterans"]
    selects = {f.name: dict(f.options) for f in VETERANS.fields if f.kind == "select"}
    assert selects["receives_pension"] == {"yes": "是", "no": "否"}
    assert selects["ethnic_group"]["03"] == "回族"
