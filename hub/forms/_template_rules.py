"""A template field's rules, in the order they are applied, with their Chinese messages.

The server (`validate_values`) and the browser (`client_rules`) read the same list, so they
apply the same rules and show the same words. For one field: its `normalize` steps, then each
rule in turn, the first that fails giving the message; an empty optional field skips its rules,
and an empty required field that passed them all is 此项为必填项.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from string import Formatter
from typing import Any

from hub.clock import beijing_today
from hub.forms._template_model import Bound, FormTemplate, TemplateField
from hub.idcard import MOBILE_PATTERN

REQUIRED = "此项为必填项"
NOT_TEXT = "填写有误"
# The words the forms have always used, so that every template says the same.
DATE_MESSAGE = "日期格式应为 年-月-日，例如 2026-11-25"
MOBILE_MESSAGE = "手机号码应为以1开头的11位数字"
ID_MESSAGE = "公民身份号码应为18位（最后一位可为X）"
#: What a number or an amount must look like before its own pattern and bounds.
SHAPES = {
    "tel": (MOBILE_PATTERN.pattern.removeprefix("^").removesuffix("$"), MOBILE_MESSAGE),
    "number": ("[0-9]+", "应为整数"),
    "money": (r"[0-9]+(\.[0-9]{1,2})?", "应为金额（元，最多两位小数）"),
}
DEFAULTS = {
    "one_of": "请从选项中选择",
    "pattern": "格式有误",
    "min_length": "至少填写{min_length}个字",
    "max_length": "不能超过{max_length}个字",
    "min": "不能小于{min}",
    "max": "不能大于{max}",
    "min_date": "不能早于{min}",
    "max_date": "不能晚于{max}",
    "after": "日期先后有误",
}
PLACEHOLDERS = ("min", "max", "min_length", "max_length")
NORMALIZE = {
    "strip": str.strip,
    "remove_spaces": lambda text: text.replace(" ", ""),
    "remove_commas": lambda text: text.replace(",", ""),
    "upper": str.upper,
}


@dataclass(frozen=True)
class Rule:
    #: date | idcard | one_of | pattern | min_length | max_length | after | min | max
    kind: str
    value: Any
    message: str


def normalized(field: TemplateField, text: str) -> str:
    for step in field.normalize:
        text = NORMALIZE[step](text)
    return text


def field_rules(field: TemplateField, today: date) -> list[Rule]:
    if field.locked:
        return []
    bounds = {key: resolve(getattr(field, key), field, today) for key in ("min", "max")}
    params = {**bounds, "min_length": field.min_length, "max_length": field.max_length}

    def message(rule: str, default: str) -> str:
        text = getattr(field, f"{rule}_message", None) or field.message or default
        return text.format(**{k: _shown(v) for k, v in params.items()})

    rules = [*_type_rules(field, message)]
    for kind in ("pattern", "min_length", "max_length", "after"):
        if getattr(field, kind) is not None:
            rules.append(Rule(kind, getattr(field, kind), message(kind, DEFAULTS[kind])))
    for kind, bound in bounds.items():
        if bound is not None:
            default = DEFAULTS[f"{kind}_date" if field.type == "date" else kind]
            rules.append(Rule(kind, bound, message(kind, default)))
    return rules


def _type_rules(field: TemplateField, message: Callable[[str, str], str]) -> list[Rule]:
    if field.type == "date":
        return [Rule("date", None, message("type", DATE_MESSAGE))]
    if field.type == "idcard":
        return [Rule("idcard", None, message("type", ID_MESSAGE))]
    if field.type == "select":
        codes = [code for code, _ in field.choices]
        return [Rule("one_of", codes, message("one_of", DEFAULTS["one_of"]))]
    if field.type in SHAPES:
        pattern, default = SHAPES[field.type]
        return [Rule("pattern", pattern, message("type", default))]
    return []


def resolve(bound: Bound | None, field: TemplateField, today: date) -> Decimal | date | None:
    """A bound as the rules compare it: a date for date fields, a Decimal for numbers."""
    if bound is None:
        return None
    if field.type == "date":
        return today if bound == "today" else date.fromisoformat(str(bound))
    if bound == "this_year":
        return Decimal(today.year)
    return Decimal(str(bound))


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


def client_rules(template: FormTemplate, *, today: date | None = None) -> dict[str, Any]:
    """The template's rules as JSON for the browser, in the order the server applies them.

    Patterns are anchored and meant for JavaScript's "u" flag; lengths count code points
    (`[...text].length`), as Python's len does. "today" and "this_year" are resolved to the
    day given (Beijing's today by default), so a page is good for the day it was drawn.
    """
    day = today or beijing_today()
    return {
        "id": template.id,
        "version": template.version,
        "required_message": REQUIRED,
        "fields": [_field_json(f, day) for f in template.fields],
        "groups": [
            {
                "name": group.name,
                "min": group.repeat.min,
                "max": group.repeat.max,
                "item_label": group.repeat.item_label,
                # A bound section's items are locked only when they came from the store: the page
                # marks those (data-locked), the rules do not.
                "fields": [
                    _field_json(f, day) | ({"locked": False} if group.bind else {})
                    for f in group.fields
                ],
            }
            for group in template.groups
            if group.repeat is not None
        ],
    }


def _field_json(field: TemplateField, today: date) -> dict[str, Any]:
    visible = field.visible_if.model_dump(exclude_none=True) if field.visible_if else None
    return {
        "name": field.name,
        "type": field.type,
        "required": field.required,
        "locked": field.locked,
        "visible_if": visible,
        "normalize": list(field.normalize),
        "rules": [_rule_json(rule) for rule in field_rules(field, today)],
    }


def _rule_json(rule: Rule) -> dict[str, Any]:
    value = rule.value
    if rule.kind == "pattern":
        value = f"^(?:{value})$"
    elif rule.kind == "date":
        value = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
    elif isinstance(value, date):
        value = value.isoformat()
    elif isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    return {"rule": rule.kind, "value": value, "message": rule.message}


def _shown(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)
