"""Universal forms as versioned data (issue #7): one TOML template per form under `forms/`.

A template has an id, a version, a title, its targets (a list of connector ids, or one
`[targets.<connector_id>]` table each, kept as `mappings`), the names of its cross-field checks
(hub/forms/_checks.py), and `[[sections]]` of `[[sections.fields]]`. A section with `repeat`
is a repeating group (family members…): its values are a list of items.

A field: `name`, `label`, `type` (text, textarea, select, date, tel, number, money, idcard),
`required` (true), `help`, `locked` and `bind` (a store path, hub/forms/_bindings.py),
`masked`, `options` (a code table's name or [code, name] pairs), `normalize` (strip,
remove_spaces, remove_commas, upper), `visible_if` ({field, equals} or {field, one_of}), and
rules: `pattern`, `min_length`, `max_length`, `min`/`max` (numbers, amounts, dates; "today",
"this_year"), `after` (a date field). Messages: `<rule>_message`, else `message`, else a
default; `{min}`, `{max}`, `{min_length}`, `{max_length}` are filled in.

Here is the facade; the parts live in the _template_* modules beside it.
"""

from hub.forms._template_load import FORMS_FOLDER, load_template, load_templates
from hub.forms._template_model import (
    FormTemplate,
    Repeat,
    TemplateError,
    TemplateField,
    TemplateSection,
    VisibleIf,
)
from hub.forms._template_rules import client_rules
from hub.forms._template_values import (
    check_facts,
    locked_values,
    nested_values,
    prefill_members,
    prefill_values,
    validate_values,
)

__all__ = [
    "FORMS_FOLDER",
    "FormTemplate",
    "Repeat",
    "TemplateError",
    "TemplateField",
    "TemplateSection",
    "VisibleIf",
    "check_facts",
    "client_rules",
    "load_template",
    "load_templates",
    "locked_values",
    "nested_values",
    "prefill_members",
    "prefill_values",
    "validate_values",
]
