"""最低生活保障申请: what the worker types is checked on the server, every problem at once, in
Chinese; and every bundled form has what the portal needs to draw it."""

from __future__ import annotations

import re

import pytest

from hub.errors import InvalidInput
from hub.forms import MINIMUM_LIVING, SPECS, MinimumLivingAnswers, parse_answers

CJK = re.compile(r"[\u4e00-\u9fff]")


def answers(**overrides: str) -> dict[str, str]:
    raw = {
        "phone": "13902000419",
        "address": "无锡市惠山区玉祁街道瑞星社区3幢101室",
        "household_size": "2",
        "monthly_income": "600.50",
        "application_reason": "年老体弱，无固定收入",
        "applied_on": "2026-11-28",
    }
    return raw | overrides


def parse(raw: dict[str, str]) -> MinimumLivingAnswers:
    parsed = parse_answers(MINIMUM_LIVING, raw)
    assert isinstance(parsed, MinimumLivingAnswers)
    return parsed


def field_errors(raw: dict[str, str]) -> dict[str, str]:
    with pytest.raises(InvalidInput) as exc:
        parse(raw)
    return exc.value.field_errors


def test_valid_answers_are_parsed_and_tidied() -> None:
    parsed = parse(answers(household_size=" 02 ", monthly_income="1,000", phone=" 13902000419"))

    assert (parsed.household_size, parsed.monthly_income) == ("2", "1000")
    assert parsed.phone == "13902000419"


def test_every_bad_field_is_reported_at_once_in_chinese() -> None:
    errors = field_errors(
        answers(household_size="0", monthly_income="-5", application_reason="没钱", phone="123")
    )

    assert set(errors) == {"household_size", "monthly_income", "application_reason", "phone"}
    assert all(CJK.search(message) for message in errors.values())


@pytest.mark.parametrize("size", ["21", "1.5", "２", "", "abc"])
def test_a_household_outside_1_to_20_people_is_refused(size: str) -> None:
    assert "household_size" in field_errors(answers(household_size=size))


@pytest.mark.parametrize("income", ["12.345", "１００", "1e3", "", "五百"])
def test_an_income_that_is_not_an_amount_in_yuan_is_refused(income: str) -> None:
    assert "monthly_income" in field_errors(answers(monthly_income=income))


def test_a_missing_field_is_named() -> None:
    raw = answers()
    del raw["application_reason"]

    assert field_errors(raw) == {"application_reason": "此项为必填项"}


def test_a_reason_longer_than_the_target_takes_is_refused_here_first() -> None:
    assert "application_reason" in field_errors(answers(application_reason="无" * 501))


@pytest.mark.parametrize("form", SPECS.values(), ids=lambda f: f.id)
def test_every_form_asks_for_each_answer_it_validates_and_nothing_else(form) -> None:
    typed = {f.name for f in form.fields if f.source != "store"}

    assert typed == set(form.answers.model_fields)
    assert all(CJK.search(f.label) for f in form.fields)
    assert form.targets
