"""A bundled form's answers checked as the hub checks them on submit: the field rules and the
template's values checks (`validate_values`), then its checks against the store (`check_facts`)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from hub.errors import InvalidInput
from hub.forms import FORMS, FormTemplate, TemplateField, check_facts, validate_values
from hub.store import ResidentFacts
from tests.hub.forms._form_samples import VALID

CJK = re.compile(r"[\u4e00-\u9fff]")


def answers(form_id: str, **overrides: str) -> dict[str, str]:
    """The form's valid answers (tests/hub/forms/_form_samples.py) with some replaced."""
    return VALID[form_id] | overrides


def cleaned(form_id: str, raw: dict[str, str]) -> dict[str, Any]:
    return validate_values(FORMS[form_id], raw)


def field_errors(form_id: str, raw: dict[str, str]) -> dict[str, str]:
    with pytest.raises(InvalidInput) as exc:
        validate_values(FORMS[form_id], raw)
    return exc.value.field_errors


def refusal(form_id: str, raw: dict[str, str], facts: ResidentFacts) -> InvalidInput:
    """Answers whose every field is valid, refused against the store's facts."""
    template = FORMS[form_id]
    values = validate_values(template, raw)
    with pytest.raises(InvalidInput) as exc:
        check_facts(template, facts, values)
    return exc.value


def accepted(form_id: str, raw: dict[str, str], facts: ResidentFacts) -> dict[str, Any]:
    template = FORMS[form_id]
    values = validate_values(template, raw)
    check_facts(template, facts, values)
    return values


def shape(template: FormTemplate) -> list[tuple[str, str, str, str]]:
    """Each field in order: name, label, type, and where its value comes from."""
    return [(f.name, f.label, f.type, _source(f)) for f in template.fields]


def _source(field: TemplateField) -> str:
    """store <path>: locked to the store's value; bind <path>: opens with it; worker: typed."""
    if field.bind is None:
        return "worker"
    return f"{'store' if field.locked else 'bind'} {field.bind}"


def codes(template: FormTemplate) -> dict[str, list[str]]:
    """Each select field's codes, in the order offered."""
    return {f.name: [code for code, _ in f.choices] for f in template.fields if f.type == "select"}
