"""The browser's rules (client_rules): each field's normalize steps and rules with the server's
words, and read as documented they give the server's verdict on any value."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from hub.errors import InvalidInput
from hub.forms._template import client_rules, load_template, load_templates, validate_values
from tests.hub.forms._form_samples import HOUSEHOLD, TRICKY, VALID

TEMPLATES = load_templates()


def test_the_browser_gets_each_fields_rules_with_the_servers_words() -> None:
    rules = client_rules(TEMPLATES["veterans-info"], today=date(2026, 11, 28))
    fields = {field["name"]: field for field in rules["fields"]}

    assert fields["unit"]["normalize"] == ["strip"]
    assert fields["unit"]["rules"] == [
        {"rule": "min_length", "value": 2, "message": "请填写服役部队（2至50个字）"},
        {"rule": "max_length", "value": 50, "message": "请填写服役部队（2至50个字）"},
    ]
    assert [(r["rule"], r["value"]) for r in fields["discharged_on"]["rules"]] == [
        ("date", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
        ("after", "enlisted_on"),
        ("max", "2026-11-28"),
    ]
    assert fields["hardship"]["required"] is False
    assert fields["name"]["locked"] and fields["name"]["rules"] == []
    assert rules["required_message"] == "此项为必填项"


def test_the_browser_gets_a_groups_bounds_and_an_items_conditions(tmp_path: Path) -> None:
    path = tmp_path / "household.toml"
    path.write_text(HOUSEHOLD, encoding="utf-8")

    (group,) = client_rules(load_template(path))["groups"]

    assert (group["name"], group["min"], group["max"]) == ("members", 1, 3)
    employer = next(f for f in group["fields"] if f["name"] == "employer")
    assert employer["visible_if"] == {"field": "works", "equals": "yes"}


BROWSER_STEPS: dict[str, Callable[[str], str]] = {
    "strip": str.strip,
    "upper": str.upper,
    "remove_spaces": lambda text: text.replace(" ", ""),
    "remove_commas": lambda text: text.replace(",", ""),
}


def browser_verdict(field: dict[str, Any], text: str, others: dict[str, str]) -> str | None:
    """client_rules read as its docstring says, the way the portal's script will read them."""
    value = text
    for step in field["normalize"]:
        value = BROWSER_STEPS[step](value)
    if value == "" and not field["required"]:
        return None
    for rule in field["rules"]:
        kind, bound = rule["rule"], rule["value"]
        if kind in ("pattern", "date"):
            ok = re.search(bound.removesuffix("$") + r"\Z", value) is not None  # JS's $
            ok = ok and (kind == "pattern" or _is_date(value))
        elif kind == "one_of":
            ok = value in bound
        elif kind in ("min_length", "max_length"):
            ok = len(value) >= bound if kind == "min_length" else len(value) <= bound
        elif kind == "after":
            ok = value > others[bound]  # ISO dates compare as text
        else:
            number = value if isinstance(bound, str) else float(value)
            ok = number >= bound if kind == "min" else number <= bound
        if not ok:
            return str(rule["message"])
    return "此项为必填项" if value == "" else None


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def pydantic_only_date(field: dict[str, Any], text: str) -> bool:
    """A date the server reads (as pydantic's date does: "0", "…T00:00:00") and the browser's
    stricter pattern does not take: the one known difference."""
    try:
        TypeAdapter(date).validate_python(text)
    except ValidationError:
        return False
    return field["type"] == "date" and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text)


@pytest.mark.parametrize("form_id", sorted(TEMPLATES))
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_the_browsers_rules_give_the_servers_verdict_on_each_field(
    form_id: str, data: st.DataObject
) -> None:
    # Without the form's cross-field checks, which run on the server only.
    template = TEMPLATES[form_id].model_copy(update={"checks": []})
    fields = [f for f in client_rules(template)["fields"] if not f["locked"]]
    field = data.draw(st.sampled_from(fields), label="field")
    text = data.draw(st.one_of(st.sampled_from(TRICKY), st.text(max_size=12)), label="text")
    raw = VALID[form_id] | {field["name"]: text}

    try:
        validate_values(template, raw)
        server = None
    except InvalidInput as exc:
        server = exc.field_errors.get(field["name"])

    if pydantic_only_date(field, text):
        return
    assert browser_verdict(field, text, VALID[form_id]) == server
