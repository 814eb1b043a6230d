"""残疾人两项补贴申请 (forms/disability-allowance.toml): the card number must be the resident's own
and agree with the category and grade chosen, 护理补贴 only for grades 一级 and 二级, and every
problem is reported at once."""

from __future__ import annotations

from datetime import date

import pytest

from hub.forms import FORMS, prefill_values
from tests.hub.forms._bundled import (
    accepted,
    answers,
    cleaned,
    codes,
    field_errors,
    refusal,
    shape,
)
from tests.hub.forms._form_samples import ID_NUMBER, OTHER_ID, facts

FORM = "disability-allowance"
HERS = facts(date(1942, 3, 15))  # ID_NUMBER is hers
CARD_SHAPE = "残疾证号应为20位：18位公民身份号码，加残疾类别、残疾等级各1位"


def test_valid_answers_are_cleaned_and_tidied() -> None:
    values = cleaned(
        FORM,
        answers(
            FORM,
            disability_card_no="32020619420315124x 41",
            bank_account="6228 4800 1234 5678 901",
        ),
    )

    assert values["disability_card_no"] == f"{ID_NUMBER}41"
    assert values["bank_account"] == "6228480012345678901"
    assert values["subsidy_types"] == "living,care"


def test_every_bad_field_is_reported_at_once_in_chinese() -> None:
    errors = field_errors(
        FORM,
        answers(
            FORM,
            disability_category="8",
            disability_grade="0",
            disability_card_no="123",
            subsidy_types="both",
            bank="花旗银行",
            bank_account="12345",
            phone="123",
        ),
    )

    assert errors == {
        "disability_category": "请选择残疾类别",
        "disability_grade": "请选择残疾等级",
        "disability_card_no": CARD_SHAPE,
        "subsidy_types": "请选择补贴类型",
        "bank": "请选择开户银行",
        "bank_account": "银行账号应为16-19位数字",
        "phone": "手机号码应为以1开头的11位数字",
    }


@pytest.mark.parametrize(
    ("card", "message"),
    [
        (f"{ID_NUMBER}51", "残疾证号第19位应为残疾类别代码，与所选残疾类别不一致"),
        (f"{ID_NUMBER}42", "残疾证号第20位应为残疾等级代码，与所选残疾等级不一致"),
        (f"{ID_NUMBER}81", CARD_SHAPE),
        ("３２０２０６１９４２０３１５１２４Ｘ４１", CARD_SHAPE),
    ],
)
def test_the_card_number_must_end_in_the_chosen_category_and_grade(card: str, message: str) -> None:
    assert field_errors(FORM, answers(FORM, disability_card_no=card)) == {
        "disability_card_no": message
    }


def test_a_card_is_compared_only_with_a_valid_grade() -> None:
    raw = answers(FORM, disability_grade="x", disability_card_no=f"{ID_NUMBER}4x")

    assert field_errors(FORM, raw) == {
        "disability_grade": "请选择残疾等级",
        "disability_card_no": CARD_SHAPE,
    }
    # A card that is itself fine is not blamed for an invalid grade.
    assert field_errors(FORM, raw | {"disability_card_no": f"{ID_NUMBER}41"}) == {
        "disability_grade": "请选择残疾等级"
    }


@pytest.mark.parametrize("grade", ["3", "4"])
@pytest.mark.parametrize("types", ["care", "living,care"])
def test_care_subsidy_is_refused_below_grade_two(grade: str, types: str) -> None:
    raw = answers(
        FORM,
        disability_grade=grade,
        disability_card_no=f"{ID_NUMBER}4{grade}",
        subsidy_types=types,
    )

    assert field_errors(FORM, raw) == {
        "subsidy_types": "重度残疾人护理补贴仅限残疾等级为一级、二级的残疾人申请"
    }


@pytest.mark.parametrize("grade", ["1", "2", "3", "4"])
def test_living_subsidy_is_open_to_every_grade(grade: str) -> None:
    raw = answers(
        FORM,
        disability_grade=grade,
        disability_card_no=f"{ID_NUMBER}4{grade}",
        subsidy_types="living",
    )

    assert accepted(FORM, raw, HERS)["disability_grade"] == grade


@pytest.mark.parametrize("grade", ["1", "2"])
def test_care_subsidy_is_open_to_grades_one_and_two(grade: str) -> None:
    raw = answers(
        FORM,
        disability_grade=grade,
        disability_card_no=f"{ID_NUMBER}4{grade}",
        subsidy_types="care",
    )

    assert accepted(FORM, raw, HERS)["subsidy_types"] == "care"


def test_missing_fields_are_each_reported_as_required() -> None:
    required = [
        "phone",
        "address",
        "disability_category",
        "disability_grade",
        "disability_card_no",
        "subsidy_types",
        "bank",
        "bank_account",
        "applied_on",
    ]

    assert field_errors(FORM, {}) == dict.fromkeys(required, "此项为必填项")


@pytest.mark.parametrize(
    "card",
    [f"{OTHER_ID}41", f"{ID_NUMBER[:17]}141"],  # another's; hers but for the check character
)
def test_a_card_of_another_person_is_refused_against_the_store(card: str) -> None:
    refused = refusal(FORM, answers(FORM, disability_card_no=card), HERS)

    assert refused.user_message == "残疾证号前18位应与申请人的公民身份号码一致"
    assert refused.field_errors == {
        "disability_card_no": "残疾证号前18位应与申请人的公民身份号码一致"
    }


def test_her_own_card_passes_the_check() -> None:
    assert accepted(FORM, answers(FORM), HERS)["disability_card_no"] == f"{ID_NUMBER}41"


def test_the_card_number_opens_prefilled_with_her_id_number() -> None:
    values = prefill_values(FORMS[FORM], facts=HERS, today=date(2026, 11, 28))

    assert values == {
        "phone": "13901000315",
        "address": "无锡市惠山区玉祁街道玉祁社区3幢101室",
        "disability_card_no": ID_NUMBER,
        "applied_on": "2026-11-28",
    }


def test_the_form_asks_for_the_disability_and_files_it_to_its_robot() -> None:
    template = FORMS[FORM]

    assert template.title == "残疾人两项补贴申请"
    assert shape(template) == [
        ("name", "姓名", "text", "store resident.name"),
        ("id_number", "公民身份号码", "idcard", "store resident.id_number"),
        ("sex", "性别", "select", "store resident.sex"),
        ("birth_date", "出生日期", "date", "store resident.birth_date"),
        ("phone", "联系电话", "tel", "bind resident.phone"),
        ("address", "详细地址", "text", "bind resident.address"),
        ("disability_category", "残疾类别", "select", "worker"),
        ("disability_grade", "残疾等级", "select", "worker"),
        ("disability_card_no", "残疾证号", "text", "bind resident.id_number"),
        ("subsidy_types", "补贴类型", "select", "worker"),
        ("bank", "开户银行", "select", "worker"),
        ("bank_account", "银行账号", "text", "worker"),
        ("applied_on", "申请日期", "date", "bind today"),
    ]
    assert "disability_allowance" in template.targets
    assert template.checks == [
        "card_matches_category_and_grade",
        "care_subsidy_for_severe_grades",
        "card_holder",
    ]
    assert codes(template) == {
        "sex": ["1", "2"],
        "disability_category": ["1", "2", "3", "4", "5", "6", "7"],
        "disability_grade": ["1", "2", "3", "4"],
        "subsidy_types": ["living", "care", "living,care"],
        "bank": ["中国农业银行", "中国工商银行", "江苏银行", "无锡农村商业银行"],
    }
