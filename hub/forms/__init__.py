"""Universal forms: what the worker fills once, and how it is checked.

The forms are data: one TOML template per form under `forms/` (docs/forms.md), published as
versions (`python -m hub.forms publish`). The hub offers each form's newest published version,
else the bundled file (`offered_forms`), and reads a submission against the version it recorded
(`form_version`); `FORMS` is the bundled templates as they ship. What a template's data cannot
say lives in code: its named cross-field checks (hub/forms/_checks.py) and the rules they share
with the store bindings (`allowance_type_for`).
"""

from typing import TYPE_CHECKING

from hub.forms._catalog import bundled_forms, form_version, offered_form, offered_forms
from hub.forms._rules_elderly import allowance_type_for, check_eligibility
from hub.forms._template import (
    FORMS_FOLDER,
    FormTemplate,
    TemplateError,
    TemplateField,
    check_facts,
    client_rules,
    load_template,
    load_templates,
    locked_values,
    nested_values,
    prefill_members,
    prefill_values,
    validate_values,
)
from hub.forms._template_targets import target_fields

if TYPE_CHECKING:
    FORMS: dict[str, FormTemplate]


def __getattr__(name: str) -> object:
    if name == "FORMS":  # the bundled templates, as they ship (tests, samples)
        return bundled_forms()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "FORMS",
    "FORMS_FOLDER",
    "FormTemplate",
    "TemplateError",
    "TemplateField",
    "allowance_type_for",
    "bundled_forms",
    "check_eligibility",
    "check_facts",
    "form_version",
    "offered_form",
    "offered_forms",
    "client_rules",
    "load_template",
    "load_templates",
    "locked_values",
    "nested_values",
    "prefill_members",
    "prefill_values",
    "target_fields",
    "validate_values",
]
