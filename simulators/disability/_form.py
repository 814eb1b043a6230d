"""The 两项补贴 entry form: its fields (pinyin names on the wire, as the system posts them), and
the checks run when it is posted."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from simulators._rules import Problem, parse_date, person_problems
from simulators.disability._regions import is_township_of

BUSINESS_TYPE = "残疾人两项补贴"
SEXES = (("1", "男"), ("2", "女"))
CATEGORIES = tuple(
    (str(code), name)
    for code, name in enumerate(
        ("视力残疾", "听力残疾", "言语残疾", "肢体残疾", "智力残疾", "精神残疾", "多重残疾"), 1
    )
)
GRADES = (("1", "一级"), ("2", "二级"), ("3", "三级"), ("4", "四级"))
LIVING, CARE = "1", "2"
SUBSIDIES = ((LIVING, "困难残疾人生活补贴"), (CARE, "重度残疾人护理补贴"))
BANKS = ("中国农业银行", "中国工商银行", "江苏银行", "无锡农村商业银行")
#: 护理补贴 is for 重度 (severe) disability only: grades 一级 and 二级.
CARE_GRADES = ("1", "2")
_CARD = re.compile(r"[0-9]{17}[0-9X][1-7][1-4]")
_BANK_ACCOUNT = re.compile(r"[0-9]{16,19}")
MAX_NAME = 50
MAX_ADDRESS = 100


@dataclass(frozen=True)
class FormField:
    name: str  # the stored column, and the key of /_sim/records
    param: str  # what the page posts
    label: str
    choose: bool = False  # picked (请选择…) rather than typed (请填写…)


FIELDS = (
    FormField("name", "xm", "姓名"),
    FormField("id_number", "sfzh", "公民身份号码"),
    FormField("sex", "xb", "性别", choose=True),
    FormField("disability_card_no", "cjzh", "残疾证号"),
    FormField("disability_category", "cjlb", "残疾类别", choose=True),
    FormField("disability_grade", "cjdj", "残疾等级", choose=True),
    FormField("subsidy_types", "btlx", "补贴类型", choose=True),
    FormField("township_code", "xiang", "所在地区（乡镇、街道）", choose=True),
    FormField("address", "xxdz", "详细地址"),
    FormField("phone", "lxdh", "联系电话"),
    FormField("bank", "khyh", "开户银行", choose=True),
    FormField("bank_account", "yhzh", "银行账号"),
    FormField("applied_on", "sqrq", "申请日期", choose=True),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)
#: The region selects above the township, posted alongside it.
REGION_PARAMS = ("shi", "xian")


def values_from_post(posted: Mapping[str, list[str]]) -> dict[str, str]:
    """What the form posted, by stored name (plus shi and xian); 补贴类型 as "1", "2" or "1,2"."""
    values = {f.name: (posted.get(f.param) or [""])[0].strip() for f in FIELDS}
    values["subsidy_types"] = ",".join(sorted(set(posted.get("btlx", []))))
    values |= {param: (posted.get(param) or [""])[0] for param in REGION_PARAMS}
    return values


def subsidy_names(codes: str) -> str:
    """ "1,2" -> 困难残疾人生活补贴、重度残疾人护理补贴, as the pages print it."""
    names = dict(SUBSIDIES)
    return "、".join(names.get(code, code) for code in codes.split(",") if code)


def form_problems(values: Mapping[str, str], *, today: date) -> list[Problem]:
    """Every reason to refuse the form, in screen order; empty when it can be filed."""
    problems = [
        Problem(f.name, f"请{'选择' if f.choose else '填写'}{f.label}")
        for f in FIELDS
        if not values[f.name]
    ]
    problems += person_problems(values)
    problems += _choice_problems(values)
    problems += _card_problems(values)
    problems += _subsidy_problems(values)
    problems += _other_problems(values, today)
    order = {name: i for i, name in enumerate(FIELD_NAMES)}
    return sorted(problems, key=lambda p: order[p.field])


def _choice_problems(values: Mapping[str, str]) -> list[Problem]:
    problems = []
    if values["disability_category"] and values["disability_category"] not in dict(CATEGORIES):
        problems.append(Problem("disability_category", "残疾类别无效"))
    if values["disability_grade"] and values["disability_grade"] not in dict(GRADES):
        problems.append(Problem("disability_grade", "残疾等级无效"))
    if values["bank"] and values["bank"] not in BANKS:
        problems.append(Problem("bank", "开户银行无效"))
    township = values["township_code"]
    if township and not is_township_of(township, city=values["shi"], county=values["xian"]):
        problems.append(Problem("township_code", "所在地区无效"))
    return problems


def _card_problems(values: Mapping[str, str]) -> list[Problem]:
    card = values["disability_card_no"]
    if not card:
        return []
    if not _CARD.fullmatch(card):
        return [Problem("disability_card_no", "残疾证号应为20位（公民身份号码+残疾类别+残疾等级）")]
    problems = []
    if values["id_number"] and card[:18] != values["id_number"]:
        problems.append(Problem("disability_card_no", "残疾证号与公民身份号码不一致"))
    if values["disability_category"] and card[18] != values["disability_category"]:
        problems.append(Problem("disability_card_no", "残疾证号与残疾类别不一致"))
    if values["disability_grade"] and card[19] != values["disability_grade"]:
        problems.append(Problem("disability_card_no", "残疾证号与残疾等级不一致"))
    return problems


def _subsidy_problems(values: Mapping[str, str]) -> list[Problem]:
    chosen = [code for code in values["subsidy_types"].split(",") if code]
    if any(code not in dict(SUBSIDIES) for code in chosen):
        return [Problem("subsidy_types", "补贴类型无效")]
    grade = values["disability_grade"]
    if CARE in chosen and grade in dict(GRADES) and grade not in CARE_GRADES:
        return [Problem("subsidy_types", "重度残疾人护理补贴仅限残疾等级为一级、二级的残疾人申请")]
    return []


def _other_problems(values: Mapping[str, str], today: date) -> list[Problem]:
    problems = []
    if len(values["name"]) > MAX_NAME:
        problems.append(Problem("name", f"姓名不能超过{MAX_NAME}个字符"))
    if len(values["address"]) > MAX_ADDRESS:
        problems.append(Problem("address", f"详细地址不能超过{MAX_ADDRESS}个字符"))
    if values["bank_account"] and not _BANK_ACCOUNT.fullmatch(values["bank_account"]):
        problems.append(Problem("bank_account", "银行账号应为16至19位数字"))
    applied = parse_date(values["applied_on"])
    if applied is not None and applied > today:
        problems.append(Problem("applied_on", "申请日期不能晚于当前日期"))
    return problems
