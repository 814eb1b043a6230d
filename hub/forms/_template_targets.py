"""A template's targets against the installed connectors: what publishing a form checks besides
the template itself (issue #7). Every problem is reported at once, in Chinese, naming the target.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from hub.forms._mapping import apply_mapping, check_mapping, load_mapping
from hub.forms._template_load import parse_template
from hub.forms._template_model import FormTemplate, TemplateError

if TYPE_CHECKING:
    from connectors.sdk import Manifest


def target_problems(template: FormTemplate, manifests: Mapping[str, Manifest]) -> list[str]:
    """Each target that is no installed connector, and every problem of each
    `[targets.<connector_id>]` table against its connector's declared fields (check_mapping).

    manifests: the installed connectors' manifests by id (connectors.sdk.load_connectors()).
    """
    # A mapping reads the form's own fields; a repeating section's fields are lists of items.
    form_fields = {field.name: field.type for field in template.fields}
    installed = "、".join(sorted(manifests)) or "（无）"
    problems = []
    for target in template.targets:
        manifest = manifests.get(target)
        if manifest is None:
            problems.append(f"目标 {target} 不是已安装的连接器；已安装的有：{installed}")
        elif target in template.mappings:
            raw = template.mappings[target]
            problems += check_mapping(target, raw, manifest=manifest, form_fields=form_fields)
    return problems


def target_fields(
    template: FormTemplate, manifest: Manifest, values: Mapping[str, object]
) -> dict[str, str] | None:
    """The target's fields as the template's `[targets.<id>]` table makes them from one
    application's values (a submission's snapshot); None when the template has no table for it
    (the connector maps the application itself). A value the table cannot turn into the target's
    (a code not in its table) raises InvalidInput naming the form field."""
    raw = template.mappings.get(manifest.id)
    if raw is None:
        return None
    form_fields = {field.name: field.type for field in template.fields}
    mapping = load_mapping(manifest.id, raw, manifest=manifest, form_fields=form_fields)
    text = {key: "" if value is None else str(value) for key, value in values.items()}
    return apply_mapping(mapping, text)


def check_source(
    source: str, origin: str, manifests: Mapping[str, Manifest]
) -> tuple[FormTemplate | None, list[str]]:
    """A template's text read and its targets checked, as `check` and 表单管理 do: the template
    (None when it does not read) and every problem (the reading's name `origin`; the targets'
    do not)."""
    try:
        template = parse_template(source, origin)
    except TemplateError as exc:
        return None, list(exc.problems)
    return template, target_problems(template, manifests)
