"""最低生活保障申请 (低保, minimum living allowance): filed with the province's social-assistance
system, where the robot acts as the worker through single sign-on."""

from __future__ import annotations

import re

from pydantic import field_validator

from hub.forms._spec import CommonAnswers, FieldSpec, FormSpec, resident_fields

MAX_HOUSEHOLD = 20
MAX_REASON = 500
# [0-9], not \d or str.isdigit(): those also take full-width digits and superscripts.
_HOUSEHOLD = re.compile(r"[0-9]{1,2}")
_MONEY = re.compile(r"[0-9]{1,7}(\.[0-9]{1,2})?")


class MinimumLivingAnswers(CommonAnswers):
    household_size: str
    monthly_income: str
    application_reason: str

    @field_validator("household_size")
    @classmethod
    def _household(cls, value: str) -> str:
        value = value.strip()
        if not (_HOUSEHOLD.fullmatch(value) and 1 <= int(value) <= MAX_HOUSEHOLD):
            raise ValueError(f"家庭人口应为1至{MAX_HOUSEHOLD}的整数")
        return str(int(value))

    @field_validator("monthly_income")
    @classmethod
    def _income(cls, value: str) -> str:
        value = value.strip().replace(",", "")
        if not _MONEY.fullmatch(value):
            raise ValueError("家庭月人均收入应为不小于0的金额（元，最多两位小数）")
        return value

    @field_validator("application_reason")
    @classmethod
    def _reason(cls, value: str) -> str:
        value = value.strip()
        if len(value) < 4:
            raise ValueError("请写明申请原因（至少4个字）")
        if len(value) > MAX_REASON:
            raise ValueError(f"申请原因不能超过{MAX_REASON}个字")
        return value


MINIMUM_LIVING = FormSpec(
    id="minimum-living",
    version=1,
    title="最低生活保障申请",
    targets=["social_assistance"],
    fields=[
        *resident_fields("申请人姓名"),
        FieldSpec(name="phone", label="联系电话", source="prefill", kind="tel"),
        FieldSpec(name="address", label="户籍地址", source="prefill"),
        FieldSpec(
            name="household_size",
            label="家庭人口",
            kind="number",
            help="共同生活的家庭成员人数，含申请人",
        ),
        FieldSpec(
            name="monthly_income",
            label="家庭月人均收入（元）",
            kind="money",
            help="近12个月家庭总收入 ÷ 12 ÷ 家庭人口",
        ),
        FieldSpec(
            name="application_reason",
            label="申请原因",
            kind="textarea",
            help="如：因病丧失劳动能力、无固定收入等",
        ),
        FieldSpec(name="applied_on", label="申请日期", kind="date", source="prefill"),
    ],
    answers=MinimumLivingAnswers,
)
