"""残疾人两项补贴申请: the card number must be the resident's own and agree with the category and
grade chosen, 护理补贴 only for grades 一级 and 二级, and every problem is reported at once."""

from __future__ import annotations

import re
from datetime import date

import pytest

from hub.errors import InvalidInput
from hub.forms import parse_answers, prefilled_values
from hub.forms._disability_allowance import (
    DISABILITY_ALLOWANCE,
    DisabilityAllowanceAnswers,
    check_card_holder,
)
from hub.store import ResidentFacts

CJK = re.compile(r"[\u4e00-\u9fff]")
# Born 1942-03-15, female, check character X.
ID_NUMBER = "32020619420315124X"
FACTS = ResidentFacts(
    id=1,
    name="𠮷祥英",
    id_number=ID_NUMBER,
    phone="13901000315",
    sex="2",
    birth_date=date(1942, 3, 15),
    address="无锡市惠山区玉祁街道玉祁社区3幢101室",
    community_code="320206104001",
    community_name="玉祁社区",
)


def answers(**overrides: str) -> dict[str, str]:
    raw = {
        "phone": "13901000315",
        "address": "无锡市惠山区玉祁街道玉祁社区3幢101室",
        "disability_card_no": f"{ID_NUMBER}41",
        "disability_category": "4",
        "disability_grade": "1",
        "subsidy_types": "living,care",
        "bank": "江苏银行",
        "bank_account": "6228480012345678901",
        "applied_on": "2026-11-28",
    }
    return raw | overrides


def parse(raw: dict[str, str]) -> DisabilityAllowanceAnswers:
    parsed = parse_answers(DISABILITY_ALLOWANCE, raw)
    assert isinstance(parsed, DisabilityAllowanceAnswers)
    return parsed


def field_errors(raw: dict[str, str]) -> dict[str, str]:
    with pytest.raises(InvalidInput) as exc:
        parse(raw)
    return exc.value.field_errors


def test_valid_answers_are_parsed_and_tidied() -> None:
    parsed = parse(
        answers(disability_card_no="32020619420315124x 41", bank_account="6228 4800 1234 5678 901")
    )

    assert parsed.disability_card_no == f"{ID_NUMBER}41"
    assert parsed.bank_account == "6228480012345678901"
    assert parsed.subsidy_types == "living,care"


def test_every_bad_field_is_reported_at_once_in_chinese() -> None:
    errors = field_errors(
        answers(
            disability_category="8",
            disability_grade="0",
            disability_card_no="123",
            subsidy_types="both",
            bank="花旗银行",
            bank_account="12345",
            phone="123",
        )
    )

    assert errors == {
        "disability_category": "请选择残疾类别",
        "disability_grade": "请选择残疾等级",
        "disability_card_no": "残疾证号应为20位：18位公民身份号码，加残疾类别、残疾等级各1位",
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
        (f"{ID_NUMBER}81", "残疾证号应为20位：18位公民身份号码，加残疾类别、残疾等级各1位"),
        (
            "３２０２０６１９４２０３１５１２４Ｘ４１",
            "残疾证号应为20位：18位公民身份号码，加残疾类别、残疾等级各1位",
        ),
    ],
)
def test_the_card_number_must_end_in_the_chosen_category_and_grade(card: str, message: str) -> None:
    assert field_errors(answers(disability_card_no=card)) == {"disability_card_no": message}


@pytest.mark.parametrize("grade", ["3", "4"])
@pytest.mark.parametrize("types", ["care", "living,care"])
def test_care_subsidy_is_refused_below_grade_two(grade: str, types: str) -> None:
    raw = answers(
        disability_grade=grade, disability_card_no=f"{ID_NUMBER}4{grade}", subsidy_types=types
    )

    assert field_errors(raw) == {
        "subsidy_types": "重度残疾人护理补贴仅限残疾等级为一级、二级的残疾人申请"
    }


@pytest.mark.parametrize("grade", ["1", "2", "3", "4"])
def test_living_subsidy_is_open_to_every_grade(grade: str) -> None:
    raw = answers(
        disability_grade=grade, disability_card_no=f"{ID_NUMBER}4{grade}", subsidy_types="living"
    )

    assert parse(raw).disability_grade == grade


def test_missing_fields_are_each_reported_as_required() -> None:
    errors = field_errors({})

    assert set(errors) == set(DisabilityAllowanceAnswers.model_fields)
    assert set(errors.values()) == {"此项为必填项"}


def test_a_card_of_another_person_is_refused_against_the_store() -> None:
    other = answers(disability_card_no="32020619360708002541")

    with pytest.raises(InvalidInput) as exc:
        DISABILITY_ALLOWANCE.check(FACTS, parse(other))

    assert exc.value.field_errors == {
        "disability_card_no": "残疾证号前18位应与申请人的公民身份号码一致"
    }


def test_her_own_card_passes_the_check() -> None:
    check_card_holder(FACTS, parse(answers()))


def test_the_card_number_opens_prefilled_with_her_id_number() -> None:
    values = prefilled_values(DISABILITY_ALLOWANCE, FACTS, date(2026, 11, 28))

    assert values["disability_card_no"] == ID_NUMBER
    assert (values["phone"], values["applied_on"]) == ("13901000315", "2026-11-28")


def test_the_form_asks_for_exactly_what_the_answers_model_checks_and_files_to_its_robot() -> None:
    typed = {f.name for f in DISABILITY_ALLOWANCE.fields if f.source != "store"}

    assert typed == set(DisabilityAllowanceAnswers.model_fields)
    assert all(CJK.search(f.label) for f in DISABILITY_ALLOWANCE.fields)
    assert DISABILITY_ALLOWANCE.targets == ["disability_allowance"]
    subsidy = next(f for f in DISABILITY_ALLOWANCE.fields if f.name == "subsidy_types")
    assert [value for value, _ in subsidy.options] == ["living", "care", "living,care"]
