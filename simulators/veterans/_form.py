"""The 退役军人信息采集 wizard: its steps and their fields, in screen order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from simulators.veterans._codes import DISCHARGE_TYPES, ETHNIC_GROUPS, PLACEMENTS, YES_NO

BUSINESS_TYPE = "退役军人信息采集"
RECEIPT_PREFIX = "TYJR"
SEX_OPTIONS = (("1", "男"), ("2", "女"))
DATE_HINT = "格式：YYYY-MM-DD"


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: Literal["text", "select", "radio", "textarea"] = "text"
    # (value, text) pairs for a select or radio buttons.
    options: tuple[tuple[str, str], ...] = ()
    hint: str = ""
    required: bool = True
    max_length: int = 50


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    fields: tuple[FormField, ...]


STEPS = (
    Step(
        1,
        "基本信息",
        (
            FormField("name", "姓名", max_length=30),
            FormField("id_number", "公民身份号码", hint="18位，末位X请大写"),
            FormField("sex", "性别", kind="select", options=SEX_OPTIONS),
            FormField("birth_date", "出生日期", hint=DATE_HINT),
            FormField("ethnic_group", "民族", kind="select", options=ETHNIC_GROUPS),
            FormField("phone", "联系电话", hint="11位手机号码"),
            FormField("address", "户籍地址", max_length=100),
        ),
    ),
    Step(
        2,
        "服役信息",
        (
            FormField("enlisted_on", "入伍时间", hint=DATE_HINT),
            FormField("discharged_on", "退役时间", hint=DATE_HINT),
            FormField("unit", "服役部队", hint="部队番号或单位名称"),
            FormField("discharge_type", "退役类别", kind="select", options=DISCHARGE_TYPES),
            FormField("rank", "军衔/级别", max_length=20),
        ),
    ),
    Step(
        3,
        "安置与优待",
        (
            FormField("placement", "安置方式", kind="select", options=PLACEMENTS),
            FormField("receives_pension", "是否享受抚恤补助", kind="radio", options=YES_NO),
            FormField(
                "hardship",
                "困难情况",
                kind="textarea",
                hint="选填，如：因病致困、住房困难等",
                required=False,
                max_length=500,
            ),
        ),
    ),
)
CONFIRM_STEP = 4
CONFIRM_TITLE = "确认提交"
STEP_TITLES = tuple(step.title for step in STEPS) + (CONFIRM_TITLE,)
FIELDS = tuple(f for step in STEPS for f in step.fields)
FIELD_NAMES = tuple(f.name for f in FIELDS)


def step(number: int) -> Step:
    return STEPS[number - 1]


def shown(field: FormField, value: str) -> str:
    """The value as the confirmation page shows it: an option's text, not its code."""
    return dict(field.options).get(value, value) if field.options else value
