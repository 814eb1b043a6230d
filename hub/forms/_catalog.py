"""Which form the hub offers, and which one a submission was made with.

A form's newest published version (hub/store/_form_versions.py, `python -m hub.forms publish`) is
the one workers fill: publishing alone changes what they see, no restart. A bundled template
under `forms/` nobody has published yet is offered as it ships, as built-in connectors are.
A submission is always read against the version it recorded: the published text of that
version, or the bundled file while it still is that version.
"""

from __future__ import annotations

import functools

from sqlmodel import Session

from hub.errors import ConfigurationError
from hub.forms._template_load import load_templates
from hub.forms._template_model import FormTemplate, Kind
from hub.store import is_published, latest_templates, published_template


@functools.cache
def bundled_forms() -> dict[str, FormTemplate]:
    """The templates under `forms/` (HUB_FORMS_DIR), by form id; read once, when first asked
    for, so that `python -m hub.forms check` reports a broken file instead of crashing on it."""
    return load_templates()


def offered_forms(session: Session, kind: Kind | None = "application") -> dict[str, FormTemplate]:
    """Every form of that kind (None: of every kind), by id: its newest published version, else
    the bundled one. Workers file applications; collections and questionnaires are sent as data
    requests (hub/requests)."""
    forms = {**bundled_forms(), **latest_templates(session)}
    return {k: form for k, form in forms.items() if kind is None or form.kind == kind}


def offered_form(
    session: Session, form_id: str, kind: Kind | None = "application"
) -> FormTemplate | None:
    return offered_forms(session, kind).get(form_id)


def form_version(session: Session, form_id: str, version: int) -> FormTemplate:
    """The form a submission was made with (its id and version)."""
    if is_published(session, form_id, version):
        return published_template(session, form_id, version)
    shipped = bundled_forms().get(form_id)
    if shipped is not None and shipped.version == version:
        return shipped
    raise ConfigurationError(f"form {form_id} version {version} is neither published nor bundled")
