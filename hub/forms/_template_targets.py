"""A template's targets against the installed connectors: what publishing a form checks besides
the template itself (issue #7). Every problem is reported at once, in Chinese, naming the target.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from hub.forms._mapping import check_mapping
from hub.forms._template_model import FormTemplate

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
