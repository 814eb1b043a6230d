"""A submission's values checked against its template, and the values a form opens with.

Locked fields are not read from the submission: the server takes them from the store. A hidden
field (its `visible_if` does not hold) is neither required nor kept. Cleaned values are strings,
and `date` for date fields.
"""

from __future__ import annotations

import re
from collections import ChainMap
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter, ValidationError

from hub.clock import beijing_today
from hub.errors import InvalidInput
from hub.forms._bindings import STORE_PATHS, StoreView
from hub.forms._checks import CHECKS, FactsCheck, ValuesCheck
from hub.forms._members import MEMBER_PATHS, REF
from hub.forms._template_model import FormTemplate, TemplateField, TemplateSection
from hub.forms._template_rules import NOT_TEXT, REQUIRED, Rule, field_rules, normalized
from hub.idcard import parse_id_number
from hub.store import HouseView, ResidentFacts

# Dates are read as pydantic's date reads them (ISO dates, and what it also accepts), as the
# hub has always read them.
_DATE = TypeAdapter(date)


class _Failed(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


def validate_values(
    template: FormTemplate,
    raw: Mapping[str, object],
    *,
    today: date | None = None,
    members: Sequence[ResidentFacts] = (),
) -> dict[str, Any]:
    """Check a submission's values; every bad field is reported at once, in Chinese.

    raw: field name -> string; a repeating section's name -> a list of such dicts. Errors of
    an item's field are keyed `<section>.<index>.<field>`. members: her household's others
    (hub.store.member_facts), for a section bound to them: an item that came from the store
    takes its locked fields from there.
    """
    day = today or beijing_today()
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in template.fields:
        _check_field(field, raw, values, errors, field.name, day)
    for group in template.groups:
        _check_group(group, raw.get(group.name or ""), values, errors, day, members)
    for name in template.checks:
        check = CHECKS[name]
        if isinstance(check, ValuesCheck):
            for key, message in check.run(values).items():
                errors.setdefault(key, message)
    if errors:
        raise InvalidInput(f"invalid fields: {sorted(errors)}", field_errors=errors)
    return values


def check_facts(template: FormTemplate, facts: ResidentFacts, values: Mapping[str, Any]) -> None:
    """The template's checks against the store, on values `validate_values` returned."""
    for name in template.checks:
        check = CHECKS[name]
        if isinstance(check, FactsCheck):
            check.run(facts, values)


def prefill_values(
    template: FormTemplate, *, facts: ResidentFacts, today: date, house: HouseView | None = None
) -> dict[str, str]:
    """What the editable bound fields open with; locked fields are the caller's to show."""
    view = StoreView(facts=facts, today=today, house=house)
    return {
        field.name: STORE_PATHS[field.bind](view)
        for field in template.fields
        if field.bind is not None and not field.locked
    }


def locked_values(
    template: FormTemplate, *, facts: ResidentFacts, today: date, house: HouseView | None = None
) -> dict[str, str]:
    """The locked fields' values, from the store: what the form shows greyed out, and what the
    submission takes whatever the browser sent."""
    view = StoreView(facts=facts, today=today, house=house)
    return {
        field.name: STORE_PATHS[field.bind](view)
        for field in template.fields
        if field.bind is not None and field.locked
    }


def nested_values(template: FormTemplate, flat: Mapping[str, object]) -> dict[str, object]:
    """A posted form's values as validate_values reads them: the inputs of a repeating group's
    items, named `<group>.<index>.<field>`, become the group's list of items, in index order
    (the gaps of items removed in the browser closed up); every other value as it came."""
    groups = {group.name for group in template.groups}
    values: dict[str, object] = {}
    items: dict[str, dict[int, dict[str, object]]] = {}
    for key, value in flat.items():
        group, _, rest = key.partition(".")
        index, _, field = rest.partition(".")
        if group in groups and index.isdigit() and field:
            items.setdefault(group, {}).setdefault(int(index), {})[field] = value
        else:
            values[key] = value
    for group, by_index in items.items():
        values[group] = [by_index[i] for i in sorted(by_index)]
    return values


def _check_field(
    field: TemplateField,
    raw: Mapping[str, object],
    scope: MutableMapping[str, Any],
    errors: dict[str, str],
    key: str,
    today: date,
) -> None:
    if field.locked or (field.visible_if and not field.visible_if.holds(_seen(scope, field))):
        return
    value = raw.get(field.name)
    if value is None:
        if field.required:
            errors[key] = REQUIRED
        else:
            scope[field.name] = None if field.type == "date" else ""
        return
    if not isinstance(value, str):
        errors[key] = NOT_TEXT
        return
    try:
        scope[field.name] = _clean(field, value, scope, today)
    except _Failed as failed:
        errors[key] = failed.message


def _seen(scope: Mapping[str, Any], field: TemplateField) -> object:
    return scope.get(field.visible_if.field) if field.visible_if else None


def _check_group(
    group: TemplateSection,
    items: object,
    values: dict[str, Any],
    errors: dict[str, str],
    today: date,
    members: Sequence[ResidentFacts],
) -> None:
    assert group.name is not None and group.repeat is not None  # the loader makes sure
    items = [] if items is None else items
    if not isinstance(items, list) or not all(isinstance(item, Mapping) for item in items):
        errors[group.name] = NOT_TEXT
        return
    if len(items) < group.repeat.min:
        errors[group.name] = f"请至少填写{group.repeat.min}个{group.repeat.item_label}"
    elif len(items) > group.repeat.max:
        errors[group.name] = f"{group.repeat.item_label}最多填写{group.repeat.max}个"
    fields = group.fields
    if group.bind is not None:
        # Locked only for an item from the store, whose values are put back from there; an
        # item she added is typed throughout, and checked as typed.
        fields = [f.model_copy(update={"locked": False}) for f in group.fields]
        by_id = {str(m.id): m for m in members}
    cleaned: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        if group.bind is not None and item.get(REF):
            member = by_id.get(str(item[REF]))
            if member is None:  # not of her household (any more): the page is out of date
                errors[group.name] = "家庭成员信息已变动，请重新打开表单"
                continue
            item = {**item, **_from_store(group, member)}
        item_values: dict[str, Any] = {}
        # An item's field may look at its siblings first, then at the form's own fields.
        scope = ChainMap(item_values, values)
        for field in fields:
            key = f"{group.name}.{index}.{field.name}"
            _check_field(field, item, scope, errors, key, today)
        cleaned.append(item_values)
    values[group.name] = cleaned


def _from_store(group: TemplateSection, member: ResidentFacts) -> dict[str, str]:
    return {f.name: MEMBER_PATHS[f.bind](member) for f in group.fields if f.locked and f.bind}


def prefill_members(
    template: FormTemplate, members: Sequence[ResidentFacts]
) -> dict[str, list[dict[str, str]]]:
    """The items a section bound to her household opens with: one per other member, with its
    store reference (REF) and every bound field the store knows."""
    return {
        group.name: [
            {
                REF: str(member.id),
                **{f.name: MEMBER_PATHS[f.bind](member) for f in group.fields if f.bind},
            }
            for member in members[: group.repeat.max]
        ]
        for group in template.groups
        if group.bind is not None and group.name is not None and group.repeat is not None
    }


def _clean(field: TemplateField, text: str, scope: Mapping[str, Any], today: date) -> Any:
    value: Any = normalized(field, text)
    if value == "" and not field.required:
        return None if field.type == "date" else ""
    for rule in field_rules(field, today):
        value = _APPLY[rule.kind](rule, value, scope)
    if value == "":
        raise _Failed(REQUIRED)
    return str(int(value)) if field.type == "number" else value


def _passes(ok: bool, rule: Rule, value: Any) -> Any:
    if not ok:
        raise _Failed(rule.message)
    return value


def _date(rule: Rule, value: Any, scope: Mapping[str, Any]) -> date:
    try:
        return _DATE.validate_python(value)
    except ValidationError:
        raise _Failed(rule.message) from None


def _idcard(rule: Rule, value: Any, scope: Mapping[str, Any]) -> str:
    try:
        return parse_id_number(value)[0]
    except InvalidInput as exc:  # its own message: shape, check character or birth date
        raise _Failed(exc.user_message) from None


def _magnitude(value: Any) -> Decimal | date:
    return value if isinstance(value, date) else Decimal(value)


def _after(rule: Rule, value: Any, scope: Mapping[str, Any]) -> Any:
    earlier = scope.get(rule.value)  # absent when itself invalid or hidden: its own message
    return _passes(not isinstance(earlier, date) or value > earlier, rule, value)


_APPLY: dict[str, Callable[[Rule, Any, Mapping[str, Any]], Any]] = {
    "date": _date,
    "idcard": _idcard,
    "one_of": lambda rule, value, scope: _passes(value in rule.value, rule, value),
    "pattern": lambda rule, value, scope: _passes(
        re.fullmatch(rule.value, value) is not None, rule, value
    ),
    "min_length": lambda rule, value, scope: _passes(len(value) >= rule.value, rule, value),
    "max_length": lambda rule, value, scope: _passes(len(value) <= rule.value, rule, value),
    "after": _after,
    "min": lambda rule, value, scope: _passes(_magnitude(value) >= rule.value, rule, value),
    "max": lambda rule, value, scope: _passes(_magnitude(value) <= rule.value, rule, value),
}
