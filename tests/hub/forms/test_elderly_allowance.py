"""高龄津贴申请 (forms/elderly-allowance.toml): what the worker types is checked, every problem at
once, in Chinese; the form opens with the allowance band of her age, and the band must be the one
of her age on the day applied for."""

from __future__ import annotations

from datetime import date

import pytest

from hub.forms import FORMS, prefill_values
from hub.forms._rules_elderly import ALLOWANCE_TYPES
from tests.hub.forms._bundled import (
    accepted,
    answers,
    cleaned,
    codes,
    field_errors,
    refusal,
    shape,
)
from tests.hub.forms._form_samples import facts

FORM = "elderly-allowance"


def test_valid_answers_are_cleaned() -> None:
    values = cleaned(FORM, answers(FORM))

    assert values == {
        "phone": "13912345678",
        "address": "无锡市惠山区玉祁街道玉祁社区1幢1单元101室",
        "allowance_type": "80-89",
        "bank": "江苏银行",
        "bank_account": "6228480012345678901",
        "applied_on": date(2026, 11, 25),
    }


def test_every_bad_field_is_reported_at_once_in_chinese() -> None:
    errors = field_errors(
        FORM,
        {
            "phone": "12345",
            "address": "无锡",
            "allowance_type": "70-79",
            "bank": "花旗银行",
            "bank_account": "12345",
            "applied_on": "25/11/2026",
        },
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
    assert field_errors(FORM, {}) == dict.fromkeys(
        ["phone", "address", "allowance_type", "bank", "bank_account", "applied_on"],
        "此项为必填项",
    )


def test_bank_account_spaces_are_removed() -> None:
    raw = answers(FORM, bank_account="6228 4800 1234 5678 901")

    assert cleaned(FORM, raw)["bank_account"] == "6228480012345678901"


@pytest.mark.parametrize("length", [16, 19])
def test_bank_account_of_16_to_19_digits_is_accepted(length: int) -> None:
    assert cleaned(FORM, answers(FORM, bank_account="6" * length))["bank_account"] == "6" * length


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
    assert field_errors(FORM, answers(FORM, bank_account=account)) == {
        "bank_account": "银行账号应为16-19位数字"
    }


def test_phone_and_address_are_stripped() -> None:
    values = cleaned(FORM, answers(FORM, phone=" 13912345678 ", address="  无锡市惠山区玉祁街道 "))

    assert (values["phone"], values["address"]) == ("13912345678", "无锡市惠山区玉祁街道")


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        (date(1946, 11, 26), ""),  # 79, one day short: no band
        (date(1946, 11, 25), "80-89"),  # 80th birthday
        (date(1936, 11, 26), "80-89"),  # 89
        (date(1936, 11, 25), "90-99"),
        (date(1926, 11, 26), "90-99"),  # 99
        (date(1926, 11, 25), "100+"),
        (date(1920, 1, 1), "100+"),
    ],
)
def test_the_form_opens_with_the_band_of_her_age_that_day(birth: date, expected: str) -> None:
    values = prefill_values(FORMS[FORM], facts=facts(birth), today=date(2026, 11, 25))

    assert values["allowance_type"] == expected
    assert values["applied_on"] == "2026-11-25"


def test_applicant_under_80_is_refused_with_a_message_for_the_worker() -> None:
    refused = refusal(FORM, answers(FORM), facts(date(1946, 11, 26)))

    assert refused.user_message == "申请人未满80周岁，不符合高龄津贴条件"


@pytest.mark.parametrize(
    ("birth", "chosen", "message"),
    [
        (date(1935, 1, 1), "80-89", "按出生日期，津贴类别应为“90-99周岁”"),
        (date(1940, 1, 1), "90-99", "按出生日期，津贴类别应为“80-89周岁”"),
        (date(1925, 12, 12), "90-99", "按出生日期，津贴类别应为“100周岁及以上”"),
    ],
)
def test_wrong_allowance_type_is_refused_naming_the_expected_one(
    birth: date, chosen: str, message: str
) -> None:
    refused = refusal(FORM, answers(FORM, allowance_type=chosen), facts(birth))

    assert refused.user_message == message
    assert refused.field_errors == {}


def test_her_age_counts_on_the_day_applied_for() -> None:
    turns_80 = facts(date(1946, 11, 26))  # 80 on 2026-11-26

    assert accepted(FORM, answers(FORM, applied_on="2026-11-26"), turns_80)
    assert refusal(FORM, answers(FORM, applied_on="2026-11-25"), turns_80)


def test_centenarian_with_the_100_plus_type_is_eligible() -> None:
    assert accepted(FORM, answers(FORM, allowance_type="100+"), facts(date(1925, 12, 12)))


def test_the_form_asks_for_the_allowance_and_files_it_to_both_systems() -> None:
    template = FORMS[FORM]

    assert template.title == "高龄津贴申请"
    assert shape(template) == [
        ("name", "姓名", "text", "store resident.name"),
        ("id_number", "公民身份号码", "idcard", "store resident.id_number"),
        ("sex", "性别", "select", "store resident.sex"),
        ("birth_date", "出生日期", "date", "store resident.birth_date"),
        ("phone", "联系电话", "tel", "bind resident.phone"),
        ("address", "户籍地址", "text", "bind resident.address"),
        ("allowance_type", "津贴类别", "select", "bind derived.elderly_allowance_band"),
        ("bank", "开户银行", "select", "worker"),
        ("bank_account", "银行账号", "text", "worker"),
        ("applied_on", "申请日期", "date", "bind today"),
    ]
    assert {"civil_affairs", "elderly_api"} <= set(template.targets)
    assert template.checks == ["allowance_band"]
    # The bands offered are the ones the check names in its refusal.
    allowance = next(f for f in template.fields if f.name == "allowance_type")
    assert allowance.choices == ALLOWANCE_TYPES
    assert codes(template)["bank"] == [
        "中国农业银行",
        "中国工商银行",
        "江苏银行",
        "无锡农村商业银行",
    ]
