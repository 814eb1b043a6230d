"""Pure mapping: the hub's 退役军人信息采集 application -> the system's wizard, keyed by the
Chinese label each field has on screen."""

from __future__ import annotations

from connectors.sdk import Application
from hub.errors import ConfigurationError

#: The 是否享受抚恤补助 radio buttons are labelled 是 and 否.
_YES_NO = {"yes": "是", "no": "否"}


def to_target(application: Application) -> dict[str, str]:
    # Codes pass through: 性别 is GB/T 2261.1 and 民族 GB/T 3304 on both sides, and the hub's
    # 退役类别 and 安置方式 codes are this system's own.
    return {
        "姓名": application.name,
        "公民身份号码": application.id_number,
        "性别": application.sex,
        "出生日期": application.birth_date.isoformat(),
        "民族": application.answer("ethnic_group"),
        "联系电话": application.phone,
        "户籍地址": application.address,
        "入伍时间": application.answer("enlisted_on"),
        "退役时间": application.answer("discharged_on"),
        "服役部队": application.answer("unit"),
        "退役类别": application.answer("discharge_type"),
        "军衔/级别": application.answer("rank"),
        "安置方式": application.answer("placement"),
        "是否享受抚恤补助": _yes_no(application.answer("receives_pension")),
        "困难情况": application.answer("hardship"),
    }


def _yes_no(answer: str) -> str:
    try:
        return _YES_NO[answer]
    except KeyError:
        raise ConfigurationError(f"receives_pension must be yes or no, not {answer!r}") from None


#: The wizard's steps: the heading each opens with, and the labels it asks for, in screen order.
WIZARD_STEPS = (
    (
        "第1步：基本信息",
        ("姓名", "公民身份号码", "性别", "出生日期", "民族", "联系电话", "户籍地址"),
    ),
    ("第2步：服役信息", ("入伍时间", "退役时间", "服役部队", "退役类别", "军衔/级别")),
    ("第3步：安置与优待", ("安置方式", "是否享受抚恤补助", "困难情况")),
)
CONFIRM_HEADING = "第4步：确认提交"
#: Fields filled through <select> (by option value) and through radio buttons (by label).
SELECTS = frozenset({"性别", "民族", "退役类别", "安置方式"})
RADIOS = frozenset({"是否享受抚恤补助"})
