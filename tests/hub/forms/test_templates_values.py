"""Values checked against a template: a hidden field is neither required nor kept, a repeating
group's items are each checked, and a field bound to the store opens with its value."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hub.errors import InvalidInput
from hub.forms._template import FormTemplate, load_template, prefill_values, validate_values
from hub.store import HouseView
from tests.hub.forms._form_samples import HOUSEHOLD, facts

WIFE = {"member_name": " 王秀英 ", "id_number": "320206193607080025", "works": "no"}
HUSBAND = {"member_name": "陈建国", "id_number": "32020619680412027x", "works": "yes"}


@pytest.fixture
def household(tmp_path: Path) -> FormTemplate:
    path = tmp_path / "household.toml"
    path.write_text(HOUSEHOLD, encoding="utf-8")
    return load_template(path)


def errors(template: FormTemplate, raw: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(InvalidInput) as exc:
        validate_values(template, raw)
    return exc.value.field_errors


def test_a_hidden_field_is_neither_required_nor_kept(household: FormTemplate) -> None:
    raw = {"has_card": "no", "card_no": "not checked", "note": "无", "members": [WIFE]}

    values = validate_values(household, raw)

    assert "card_no" not in values
    assert values["has_card"] == "no"


def test_a_shown_field_is_required_and_checked(household: FormTemplate) -> None:
    base = {"has_card": "yes", "note": "无", "members": [WIFE]}

    assert errors(household, base) == {"card_no": "此项为必填项"}
    assert errors(household, base | {"card_no": "12345"}) == {"card_no": "证号应为6位数字"}
    assert validate_values(household, base | {"card_no": " 123456 "})["card_no"] == "123456"


def test_a_field_whose_condition_is_itself_invalid_stays_hidden(household: FormTemplate) -> None:
    raw = {"has_card": "maybe", "card_no": "x", "note": "无", "members": [WIFE]}

    assert errors(household, raw) == {"has_card": "请从选项中选择"}


def test_an_empty_required_field_without_rules_is_required(household: FormTemplate) -> None:
    raw = {"has_card": "no", "note": "", "members": [WIFE]}

    assert errors(household, raw) == {"note": "此项为必填项"}


def test_each_item_of_a_repeating_group_is_checked_and_cleaned(household: FormTemplate) -> None:
    raw = {"has_card": "no", "note": "无", "members": [WIFE, HUSBAND | {"employer": "无锡某厂"}]}

    members = validate_values(household, raw)["members"]

    assert members == [
        {
            "member_name": "王秀英",
            "id_number": "320206193607080025",
            "works": "no",
            "born_on": None,
        },
        {
            "member_name": "陈建国",
            "id_number": "32020619680412027X",
            "works": "yes",
            "employer": "无锡某厂",
            "born_on": None,
        },
    ]


def test_an_items_errors_are_keyed_by_group_index_and_field(household: FormTemplate) -> None:
    bad = {"member_name": "王", "id_number": "320206193607080026", "works": "yes", "born_on": "x"}
    raw = {"has_card": "no", "note": "无", "members": [WIFE, bad]}

    assert errors(household, raw) == {
        "members.1.member_name": "请填写成员姓名",
        "members.1.id_number": "公民身份号码校验位错误",
        "members.1.employer": "此项为必填项",  # shown: her sibling answer says she works
        "members.1.born_on": "日期格式应为 年-月-日，例如 2026-11-25",
    }


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ([], "请至少填写1个家庭成员"),
        (None, "请至少填写1个家庭成员"),
        ([WIFE] * 4, "家庭成员最多填写3个"),
        ("王秀英", "填写有误"),
        ([WIFE, "王秀英"], "填写有误"),
    ],
)
def test_a_group_outside_its_bounds_or_not_a_list_is_refused(
    household: FormTemplate, members: object, message: str
) -> None:
    raw: dict[str, Any] = {"has_card": "no", "note": "无"}
    if members is not None:
        raw["members"] = members

    assert errors(household, raw) == {"members": message}


def test_a_field_bound_to_the_house_opens_with_what_the_store_knows_of_it(
    tmp_path: Path,
) -> None:
    text = HOUSEHOLD.replace('name = "note"\n', 'name = "note"\nbind = "house.safety_status"\n')
    path = tmp_path / "house.toml"
    path.write_text(text, encoding="utf-8")
    template = load_template(path)
    house = HouseView(
        id=1,
        building="3",
        unit="1",
        room="101",
        use="住宅",
        ownership="自有",
        safety_status="C级危房",
    )
    resident = facts(date(1936, 7, 8))

    assert prefill_values(template, facts=resident, today=date(2026, 11, 28), house=house) == {
        "note": "C级危房"
    }
    assert prefill_values(template, facts=resident, today=date(2026, 11, 28)) == {"note": ""}
