"""Universal forms: what the worker fills once, and how it is checked.

The forms are data: one TOML template per form under `forms/` (docs/forms.md), published as
versions (`python -m hub.forms publish`). The hub offers each form's newest published version,
else the bundled file (`offered_forms`), and reads a submission against the version it recorded
(`form_version`); `FORMS` is the bundled templates as they ship. The Python form modules
(`SPECS`) are what the templates were converted from; they stay one more release as the oracle
the tests hold the templates to (tests/hub/forms/test_templates_fidelity.py), and the hub no
longer reads them.
"""

from typing import TYPE_CHECKING

from hub.forms._catalog import bundled_forms, form_version, offered_form, offered_forms
from hub.forms._disability_allowance import DISABILITY_ALLOWANCE, DisabilityAllowanceAnswers
from hub.forms._elderly_allowance import (
    ELDERLY_ALLOWANCE,
    ElderlyAllowanceAnswers,
    allowance_type_for,
    check_eligibility,
)
from hub.forms._house_safety import HOUSE_SAFETY, HouseSafetyAnswers
from hub.forms._minimum_living import MINIMUM_LIVING, MinimumLivingAnswers
from hub.forms._spec import (
    CommonAnswers,
    FieldSpec,
    FormSpec,
    parse_answers,
    prefilled_values,
)
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
    prefill_values,
    validate_values,
)
from hub.forms._template_targets import target_fields
from hub.forms._veterans import VETERANS, VeteransAnswers

if TYPE_CHECKING:
    FORMS: dict[str, FormTemplate]


def __getattr__(name: str) -> object:
    if name == "FORMS":  # the bundled templates, as they ship (tests, samples)
        return bundled_forms()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: The Python forms the templates were converted from (the fidelity tests' oracle).
SPECS: dict[str, FormSpec] = {
    form.id: form
    for form in (ELDERLY_ALLOWANCE, VETERANS, DISABILITY_ALLOWANCE, MINIMUM_LIVING, HOUSE_SAFETY)
}

__all__ = [
    "DISABILITY_ALLOWANCE",
    "ELDERLY_ALLOWANCE",
    "FORMS",
    "FORMS_FOLDER",
    "HOUSE_SAFETY",
    "MINIMUM_LIVING",
    "SPECS",
    "VETERANS",
    "CommonAnswers",
    "DisabilityAllowanceAnswers",
    "ElderlyAllowanceAnswers",
    "FieldSpec",
    "FormSpec",
    "FormTemplate",
    "HouseSafetyAnswers",
    "MinimumLivingAnswers",
    "TemplateError",
    "TemplateField",
    "VeteransAnswers",
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
    "parse_answers",
    "prefill_values",
    "prefilled_values",
    "target_fields",
    "validate_values",
]
