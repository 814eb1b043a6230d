import re
from datetime import date

import pytest

from hub.errors import InvalidInput
from hub.forms import (
    ELDERLY_ALLOWANCE,
    SPECS,
    ElderlyAllowanceAnswers,
    allowance_type_for,
    check_eligibility,
    parse_answers,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
APPLIED = "2026-11-25"


def parse(raw: dict[str, str]) -> ElderlyAllowanceAnswers:
    parsed = parse_answers(ELDERLY_ALLOWANCE, raw)
    assert isinstance(parsed, ElderlyAllowanceAnswers)
    return parsed


def answers(**overrides: str) -> dict[str, str]:
    raw = {
        "phone": "13912345678",
        "address": "无锡市惠山区玉祁街道玉祁社区1幢1单元101室",
        "allowance_type": "80-89",
        "bank": "江苏银行",
        "bank_account": "6228480012345678901",
        "applied_on": APPLIED,
    }
    return raw | overrides


def field_errors(raw: dict[str, str]) -> dict[str, str]:
    with pytest.raises(InvalidInput) as exc:
        parse(raw)
    return exc.value.field_errors


def test_valid_answers_are_parsed() -> None:
    parsed = parse(answers())
    assert parsed.phone == "13912345678"
    assert parsed.applied_on == date(2026, 11, 25)


def test_every_bad_field_is_reported_at_once_in_chinese() -> None:
    errors = field_errors(
        {
            "phone": "12345",
            "address": "无锡",
            "allowance_type": "70-79",
            "bank": "花旗银行",
            "bank_account": "12345",
            "applied_on": "25/11/2026",
        }
    )
    assert errors == {
        "phone": "手机号码应为以1开头的11位数字",
        "address": "请填写完整的户籍地址",
        "allowance_type": "请选择津贴类别",
        "bank": "请选择开户银行",
        "bank_account": "银行账号应为16-19位数字",
        "applied_on": "日期格式应为 年-月-日，例如 2026-11-25",
    }


def test_missing_fields_are_each_reported_as_required() -> None:
    errors = field_errors({})
    assert set(errors) == set(ElderlyAllowanceAnswers.model_fields)
    assert set(errors.values()) == {"此项为必填项"}


def test_error_messages_carry_no_english_validator_text() -> None:
    errors = field_errors(answers(phone="x", bank_account="y", applied_on="z"))
    assert all(CJK.search(message) for message in errors.values())
    assert not any("Value error" in message for message in errors.values())


def test_bank_account_spaces_are_removed() -> None:
    assert parse(answers(bank_account="6228 4800 1234 5678 901")).bank_account == (
        "6228480012345678901"
    )


@pytest.mark.parametrize("length", [16, 19])
def test_bank_account_of_16_to_19_digits_is_accepted(length: int) -> None:
    assert parse(answers(bank_account="6" * length)).bank_account == "6" * length


@pytest.mark.parametrize(
    "account",
    [
        "6" * 15,
        "6" * 20,
        "6228-4800-1234-5678",
        "６２２８４８００１２３４５６７８９",  # full-width digits pass str.isdigit()
        "622848001234567²",  # so does a superscript two
        "6228480012345678\n",
    ],
)
def test_bank_account_that_is_not_16_to_19_ascii_digits_is_refused(account: str) -> None:
    assert field_errors(answers(bank_account=account)) == {
        "bank_account": "银行账号应为16-19位数字"
    }


def test_phone_and_address_are_stripped() -> None:
    parsed = parse(answers(phone=" 13912345678 ", address="  无锡市惠山区玉祁街道 "))
    assert (parsed.phone, parsed.address) == ("13912345678", "无锡市惠山区玉祁街道")


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        (date(1946, 11, 26), None),  # 79, one day short
        (date(1946, 11, 25), "80-89"),  # 80th birthday
        (date(1936, 11, 26), "80-89"),  # 89
        (date(1936, 11, 25), "90-99"),
        (date(1926, 11, 26), "90-99"),  # 99
        (date(1926, 11, 25), "100+"),
        (date(1920, 1, 1), "100+"),
    ],
)
def test_allowance_type_follows_age_on_the_application_day(
    birth: date, expected: str | None
) -> None:
    assert allowance_type_for(birth, date(2026, 11, 25)) == expected


def test_applicant_under_80_is_refused_with_a_message_for_the_worker() -> None:
    with pytest.raises(InvalidInput) as exc:
        check_eligibility(date(1946, 11, 26), parse(answers()))
    assert exc.value.user_message == "申请人未满80周岁，不符合高龄津贴条件"


def test_wrong_allowance_type_is_refused_naming_the_expected_one() -> None:
    with pytest.raises(InvalidInput) as exc:
        check_eligibility(date(1935, 1, 1), parse(answers(allowance_type="80-89")))
    assert "90-99周岁" in exc.value.user_message


def test_centenarian_with_the_100_plus_type_is_eligible() -> None:
    check_eligibility(date(1925, 12, 12), parse(answers(allowance_type="100+")))


def test_centenarian_with_the_90_99_type_is_refused() -> None:
    with pytest.raises(InvalidInput) as exc:
        check_eligibility(date(1925, 12, 12), parse(answers(allowance_type="90-99")))
    assert "100周岁及以上" in exc.value.user_message


def test_form_spec_asks_the_worker_for_exactly_what_the_answers_model_checks() -> None:
    not_from_store = {f.name for f in ELDERLY_ALLOWANCE.fields if f.source != "store"}
    assert not_from_store == set(ElderlyAllowanceAnswers.model_fields)
    assert SPECS[ELDERLY_ALLOWANCE.id] is ELDERLY_ALLOWANCE
