"""What can be wrong with one template field once its keys are read: rules its type does not
have, names nothing answers to, references to fields that are not there."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date

from hub.forms._bindings import CODE_TABLES, STORE_PATHS
from hub.forms._members import MEMBER_PATHS
from hub.forms._template_model import TemplateField
from hub.forms._template_rules import PLACEHOLDERS, placeholders

#: The types each rule applies to.
RULE_TYPES = {
    "pattern": ("text", "textarea", "number", "money"),
    "min_length": ("text", "textarea"),
    "max_length": ("text", "textarea"),
    "min": ("number", "money", "date"),
    "max": ("number", "money", "date"),
    "after": ("date",),
}
MESSAGES = ("message", *(f"{rule}_message" for rule in RULE_TYPES))


def field_problems(
    field: TemplateField,
    known: Mapping[str, TemplateField | None],
    in_group: bool,
    group_bind: str | None = None,
) -> Iterator[str]:
    """known: the fields declared before this one that it may refer to (None: unreadable);
    group_bind: what the repeating section the field is in binds to (its items' store)."""
    yield from _option_problems(field)
    yield from _rule_problems(field)
    yield from _message_problems(field)
    yield from _store_problems(field, in_group, group_bind)
    yield from _reference_problems(field, known)


def _option_problems(field: TemplateField) -> Iterator[str]:
    if field.options is not None and field.type != "select":
        yield f"options on a {field.type} field (only a select field has options)"
    elif field.type == "select" and not field.options:
        yield "a select field needs options"
    elif isinstance(field.options, str) and field.options not in CODE_TABLES:
        yield f"unknown code table '{field.options}'"
    elif isinstance(field.options, list):
        codes = [code for code, _ in field.options]
        if len(set(codes)) != len(codes):
            yield "options: the same code twice"


def _rule_problems(field: TemplateField) -> Iterator[str]:
    for rule, types in RULE_TYPES.items():
        if getattr(field, rule) is not None and field.type not in types:
            yield f"{rule} does not apply to a {field.type} field"
    if field.pattern is not None:
        try:
            re.compile(field.pattern)
        except re.error as exc:
            yield f"pattern: not a regular expression ({exc})"
    for key in ("min", "max"):
        bound = getattr(field, key)
        if bound is not None and field.type in RULE_TYPES[key] and not _bound_fits(field, bound):
            yield f"{key}: {bound!r} is not a bound of a {field.type} field"
    lengths = (field.min_length, field.max_length)
    if lengths[0] is not None and lengths[1] is not None and lengths[0] > lengths[1]:
        yield "min_length is more than max_length"


def _bound_fits(field: TemplateField, bound: object) -> bool:
    if isinstance(bound, bool):
        return False
    if field.type == "date":
        return bound == "today" or (isinstance(bound, str) and _is_iso_date(bound))
    if field.type == "number":
        return isinstance(bound, int) or bound == "this_year"
    return isinstance(bound, int | float)


def _is_iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _message_problems(field: TemplateField) -> Iterator[str]:
    for key in MESSAGES:
        text = getattr(field, key)
        if text is None:
            continue
        rule = key.removesuffix("_message")
        if key != "message" and getattr(field, rule) is None:
            yield f"{key} without {rule}"
        try:
            names = placeholders(text)
        except ValueError:
            yield f"{key}: a lone brace (write {{{{ or }}}} for a brace itself)"
            continue
        for name in sorted(names):
            if name not in PLACEHOLDERS:
                yield f"{key}: unknown placeholder {{{name}}} (known: {', '.join(PLACEHOLDERS)})"
            elif getattr(field, name) is None:
                yield f"{key}: placeholder {{{name}}}, but the field has no {name}"


def _store_problems(field: TemplateField, in_group: bool, group_bind: str | None) -> Iterator[str]:
    if field.locked and field.bind is None:
        yield "a locked field needs bind (the store fills it)"
    if in_group and group_bind is None and (field.bind is not None or field.locked):
        yield (
            "a field of a repeating section binds to the store only in a section with "
            'bind = "household.members"'
        )
    elif in_group and field.bind is not None and field.bind not in MEMBER_PATHS:
        known = ", ".join(MEMBER_PATHS)
        yield f"bind to unknown member path '{field.bind}' (known: {known})"
    elif not in_group and field.bind is not None and field.bind not in STORE_PATHS:
        yield f"bind to unknown store path '{field.bind}'"


def _reference_problems(
    field: TemplateField, known: Mapping[str, TemplateField | None]
) -> Iterator[str]:
    condition = field.visible_if
    if condition is not None:
        if (condition.equals is None) == (condition.one_of is None):
            yield "visible_if: give either equals or one_of"
        yield from _refer("visible_if", condition.field, field, known)
    if field.after is not None:
        yield from _refer("after", field.after, field, known)
        other = known.get(field.after)
        if other is not None and other.type != "date":
            yield f"after: '{field.after}' is not a date field"


def _refer(
    key: str, name: str, field: TemplateField, known: Mapping[str, TemplateField | None]
) -> Iterator[str]:
    if name == field.name:
        yield f"{key} refers to the field itself"
    elif name not in known:
        yield f"{key} refers to unknown field '{name}' (a field declared before this one)"
    elif (other := known[name]) is not None and other.locked:
        # Locked values come from the store, not the submission: the check could not see them.
        yield f"{key} refers to locked field '{name}'"
