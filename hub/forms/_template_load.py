"""Reading form templates (`forms/*.toml`): every problem of a file is found and reported at
once, each with its place, e.g. `forms/veterans.toml: sections[1].fields[3] (discharge_type):
unknown code table 'dischage'` (indexes count from 0)."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from hub.forms._checks import CHECKS
from hub.forms._template_fields import field_problems
from hub.forms._template_model import (
    FormTemplate,
    Kind,
    RowSelect,
    TemplateError,
    TemplateField,
    TemplateSection,
)

M = TypeVar("M", bound=BaseModel)

#: The templates the hub offers: `forms/` at the top of the repository, or HUB_FORMS_DIR (an
#: installed hub, as the Docker image has it, keeps them outside its package).
FORMS_FOLDER = Path(
    os.environ.get("HUB_FORMS_DIR") or Path(__file__).resolve().parents[2] / "forms"
)


class _Head(BaseModel):
    """A template's own keys; its sections are read one by one, so one bad field hides no
    problem of another."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id: str
    version: int
    title: str
    kind: Kind = "application"
    description: str = ""
    # A list of connector ids, or a `[targets.<connector_id>]` table per target (its mapping).
    targets: list[str] | dict[str, dict[str, Any]] = []
    # With a list of targets: a `[mappings.<connector_id>]` table for those the template maps
    # itself; the others map the application in their connector's code.
    mappings: dict[str, dict[str, Any]] = {}
    checks: list[str] = []
    rows: RowSelect | None = None
    sections: list[Any]


class _SectionHead(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    title: str
    name: str | None = None
    help: str = ""
    repeat: dict[str, Any] | None = None
    bind: Literal["household.members"] | None = None
    fields: list[Any]


def load_template(path: Path | str) -> FormTemplate:
    template, problems = _read(Path(path), str(path))
    if template is None:
        raise TemplateError(problems)
    return template


def parse_template(text: str, origin: str) -> FormTemplate:
    """A template from its TOML text (one stored in the database); `origin` begins each
    problem, as a file's path does."""
    template, problems = _parse(text, origin)
    if template is None:
        raise TemplateError(problems)
    return template


def load_templates(folder: Path | str = FORMS_FOLDER) -> dict[str, FormTemplate]:
    """Every `*.toml` in the folder, by form id; one error lists the problems of them all."""
    templates: dict[str, FormTemplate] = {}
    problems: list[str] = []
    for path in sorted(Path(folder).glob("*.toml")):
        template, found = _read(path, str(path))
        problems += found
        if template is not None and template.id in templates:
            problems.append(f"{path}: id: form id '{template.id}' is used by another file")
        elif template is not None:
            templates[template.id] = template
    if problems:
        raise TemplateError(problems)
    return templates


def _read(path: Path, where: str) -> tuple[FormTemplate | None, list[str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [f"{where}: {exc}"]
    return _parse(text, where)


def _parse(text: str, where: str) -> tuple[FormTemplate | None, list[str]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, [f"{where}: {exc}"]
    problems: list[str] = []
    template = _build(data, problems)
    return template, [f"{where}: {problem}" for problem in problems]


def _build(data: dict[str, Any], problems: list[str]) -> FormTemplate | None:
    head = _valid(_Head, data, "", problems)
    raw_sections = data.get("sections")
    walk = _Walk(problems)
    sections = [
        walk.section(raw, f"sections[{i}]")
        for i, raw in enumerate(raw_sections if isinstance(raw_sections, list) else [])
    ]
    if head is not None:
        problems += _head_problems(head, walk.top)
        problems += _kind_problems(head, [s for s in sections if s is not None])
    built = [s for s in sections if s is not None]
    if problems or head is None or len(built) != len(sections):
        return None
    return FormTemplate(
        id=head.id,
        version=head.version,
        title=head.title,
        kind=head.kind,
        description=head.description,
        targets=list(head.targets),
        mappings=head.targets if isinstance(head.targets, dict) else head.mappings,
        checks=head.checks,
        rows=head.rows,
        sections=built,
    )


def _head_problems(head: _Head, top: dict[str, TemplateField | None]) -> Iterator[str]:
    if not head.targets and head.kind == "application":
        yield "targets: a form needs at least one target"
    if isinstance(head.targets, dict) and head.mappings:
        yield "mappings: with [targets.<id>] tables, write each mapping there, not in [mappings]"
    for target in head.mappings:
        if target not in head.targets:
            yield f"mappings.{target}: '{target}' is not among the form's targets"
    if not head.sections:
        yield "sections: a form needs at least one section"
    for i, name in enumerate(head.checks):
        check = CHECKS.get(name)
        if check is None:
            yield f"checks[{i}]: unknown check '{name}'"
            continue
        for needed in check.reads:
            field = top.get(needed)
            if needed not in top or (field is not None and field.locked):
                yield f"checks[{i}] ({name}): needs field '{needed}', which the form lacks"


def _kind_problems(head: _Head, sections: list[TemplateSection]) -> Iterator[str]:
    """What a collection or a questionnaire may not have: targets (it goes to no system),
    repeating sections (a row, an answer sheet, is flat); a questionnaire, filled by residents
    without an account, binds nothing in the store."""
    if head.kind == "application":
        if head.rows is not None:
            yield 'rows: only a collection (kind = "collection") has rows'
        return
    if head.targets:
        yield f"targets: a {head.kind} goes to no system; remove its targets"
    if any(section.repeat is not None for section in sections):
        yield f"sections: a {head.kind} has no repeating sections"
    if head.kind == "collection":
        if head.rows is None:
            yield 'rows: a collection needs its rows, e.g. rows = { source = "residents" }'
        else:
            yield from (f"rows.{problem}" for problem in _filter_problems(head.rows))
        return
    if head.rows is not None:
        yield 'rows: only a collection (kind = "collection") has rows'
    for i, section in enumerate(sections):
        for field in section.fields:
            if field.bind is not None or field.locked:
                yield (
                    f"sections[{i}] ({field.name}): a questionnaire is filled without an "
                    "account and reads nothing from the store (no bind, no locked)"
                )


def _filter_problems(rows: RowSelect) -> list[str]:
    # Reports come after forms (they list the forms' deliveries): imported when a template is
    # read, not when this module is.
    from hub.reports import Filter, filter_problems

    problems: list[str] = []
    for i, raw in enumerate(rows.filters):
        try:
            flt = Filter.model_validate(raw)
        except ValidationError as exc:
            problems += (f"filters[{i}]: {p}" for p in _explain(exc, ""))
            continue
        if flt.param is not None:
            problems.append(f"filters[{i}].param: a data request's rows take no parameters")
            continue
        # Checked one by one, so that each problem keeps its filter's own index.
        problems += (
            p.replace("filters[0]", f"filters[{i}]", 1) for p in filter_problems(rows.source, [flt])
        )
    return problems


class _Walk:
    """Goes through the sections in order, knowing the fields declared so far (None for one
    that could not be read: its name is known, so that no reference to it is called unknown)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        self.top: dict[str, TemplateField | None] = {}
        self.keys: set[str] = set()  # the values' keys: the form's fields, repeating sections

    def section(self, raw: Any, where: str) -> TemplateSection | None:
        head = _valid(_SectionHead, raw, where, self.problems)
        data = raw if isinstance(raw, dict) else {}
        repeating = data.get("repeat") is not None
        if repeating and data.get("name") is None:
            self.problems.append(f"{where}: a repeating section needs a name (its values' key)")
        if not repeating and data.get("name") is not None:
            self.problems.append(f"{where}: only a repeating section has a name")
        if not repeating and data.get("bind") is not None:
            self.problems.append(f"{where}: only a repeating section binds to the store")
        bind = data.get("bind") if repeating and isinstance(data.get("bind"), str) else None
        if isinstance(data.get("name"), str):
            self._claim(data["name"], self.keys, where)
        item: dict[str, TemplateField | None] = {}
        fields = []
        raw_fields = data.get("fields")
        for j, raw_field in enumerate(raw_fields if isinstance(raw_fields, list) else []):
            scope = item if repeating else self.top
            fields.append(self._field(raw_field, f"{where}.fields[{j}]", scope, repeating, bind))
        if head is None or None in fields:
            return None
        try:
            return TemplateSection.model_validate(head.model_dump() | {"fields": fields})
        except ValidationError as exc:
            self.problems += _explain(exc, where)
            return None

    def _field(
        self,
        raw: Any,
        where: str,
        scope: dict[str, TemplateField | None],
        in_group: bool,
        group_bind: str | None = None,
    ) -> TemplateField | None:
        name = raw.get("name") if isinstance(raw, dict) else None
        where = f"{where} ({name})" if isinstance(name, str) else where
        field = _valid(TemplateField, raw, where, self.problems)
        if field is not None:
            # An item's field may look at its siblings and at the form's own fields.
            known = self.top | scope if in_group else scope
            found = field_problems(field, known, in_group, group_bind)
            self.problems += (f"{where}: {p}" for p in found)
        if isinstance(name, str):
            self._claim(name, self.keys if not in_group else set(scope), where)
            scope.setdefault(name, field)
        return field

    def _claim(self, name: str, taken: set[str], where: str) -> None:
        if name in taken:
            self.problems.append(f"{where}: duplicate field name '{name}'")
        taken.add(name)


def _valid(model: type[M], data: Any, where: str, problems: list[str]) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems += _explain(exc, where)
        return None


def _explain(exc: ValidationError, where: str) -> list[str]:
    found = []
    for error in exc.errors():
        loc = ".".join(str(part) for part in error["loc"])
        place = f"{where}: " if where else ""
        if error["type"] == "extra_forbidden":
            found.append(f"{place}unknown key '{loc}'")
        elif error["type"] == "missing":
            found.append(f"{place}missing key '{loc}'")
        elif error["type"] == "literal_error" and error["loc"] == ("type",):
            found.append(f"{place}unknown type '{error['input']}'")
        else:
            found.append(f"{place}{loc}: {error['msg']}")
    return found
