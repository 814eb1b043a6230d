"""最低生活保障申请 (forms/minimum-living.toml): what the worker types is checked on the server,
every problem at once, in Chinese, and tidied as the target takes it."""

from __future__ import annotations

import pytest

from hub.forms import FORMS
from tests.hub.forms._bundled import answers, cleaned, codes, field_errors, shape

FORM = "minimum-living"
HOUSEHOLD = "家庭人口应为1至20的整数"
INCOME = "家庭月人均收入应为不小于0的金额（元，最多两位小数）"


def test_valid_answers_are_cleaned_and_tidied() -> None:
    raw = answers(FORM, household_size=" 02 ", monthly_income="1,000", phone=" 13902000419")

    values = cleaned(FORM, raw)

    assert (values["household_size"], values["monthly_income"]) == ("2", "1000")
    assert values["phone"] == "13902000419"


def test_every_bad_field_is_reported_at_once_in_chinese() -> None:
    raw = answers(
        FORM, household_size="0", monthly_income="-5", application_reason="没钱", phone="123"
    )

    assert field_errors(FORM, raw) == {
        "household_size": HOUSEHOLD,
        "monthly_income": INCOME,
        "application_reason": "请写明申请原因（至少4个字）",
        "phone": "手机号码应为以1开头的11位数字",
    }


@pytest.mark.parametrize("size", ["21", "1.5", "２", "", "abc", "003", "020", "-1"])
def test_a_household_outside_1_to_20_people_is_refused(size: str) -> None:
    assert field_errors(FORM, answers(FORM, household_size=size)) == {"household_size": HOUSEHOLD}


@pytest.mark.parametrize(("size", "kept"), [("1", "1"), ("20", "20"), ("07", "7")])
def test_a_household_of_1_to_20_people_is_kept_as_a_plain_number(size: str, kept: str) -> None:
    assert cleaned(FORM, answers(FORM, household_size=size))["household_size"] == kept


@pytest.mark.parametrize(
    "income", ["12.345", "１００", "1e3", "", "五百", "-5", "00000001", "1.", ".5"]
)
def test_an_income_that_is_not_an_amount_in_yuan_is_refused(income: str) -> None:
    assert field_errors(FORM, answers(FORM, monthly_income=income)) == {"monthly_income": INCOME}


@pytest.mark.parametrize(
    ("income", "kept"), [("0", "0"), ("600.5", "600.5"), ("0000001.5", "0000001.5")]
)
def test_an_amount_in_yuan_is_kept_as_typed(income: str, kept: str) -> None:
    assert cleaned(FORM, answers(FORM, monthly_income=income))["monthly_income"] == kept


def test_a_missing_field_is_named() -> None:
    raw = answers(FORM)
    del raw["application_reason"]

    assert field_errors(FORM, raw) == {"application_reason": "此项为必填项"}


def test_a_reason_longer_than_the_target_takes_is_refused_here_first() -> None:
    assert field_errors(FORM, answers(FORM, application_reason="无" * 501)) == {
        "application_reason": "申请原因不能超过500个字"
    }
    assert cleaned(FORM, answers(FORM, application_reason="无" * 500))


def test_missing_fields_are_each_reported_as_required() -> None:
    required = ["phone", "address", "household_size", "monthly_income", "application_reason"]

    assert field_errors(FORM, {}) == dict.fromkeys([*required, "applied_on"], "此项为必填项")


def test_the_form_asks_for_the_household_and_files_it_through_single_sign_on() -> None:
    template = FORMS[FORM]

    assert template.title == "最低生活保障申请"
    assert shape(template) == [
        ("name", "申请人姓名", "text", "store resident.name"),
        ("id_number", "公民身份号码", "idcard", "store resident.id_number"),
        ("sex", "性别", "select", "store resident.sex"),
        ("birth_date", "出生日期", "date", "store resident.birth_date"),
        ("phone", "联系电话", "tel", "bind resident.phone"),
        ("address", "户籍地址", "text", "bind resident.address"),
        ("household_size", "家庭人口", "number", "worker"),
        ("monthly_income", "家庭月人均收入（元）", "money", "worker"),
        ("application_reason", "申请原因", "textarea", "worker"),
        ("applied_on", "申请日期", "date", "bind today"),
    ]
    assert "social_assistance" in template.targets
    assert template.checks == []
    assert codes(template) == {"sex": ["1", "2"]}
