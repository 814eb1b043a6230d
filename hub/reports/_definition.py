"""A report definition (one JSON file in reports/), checked against the vocabulary on load."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hub.errors import ConfigurationError
from hub.reports._vocabulary import FIELDS, LIST_OPERATORS, OPERATORS, FieldSpec, Source

Scalar = str | int | float
Operator = Literal["=", "!=", ">", ">=", "<", "<=", "in", "not_in"]
assert set(OPERATORS) == set(Operator.__args__)  # type: ignore[attr-defined]


class DefinitionError(ConfigurationError):
    """A report definition file IT must fix; the message names the file and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Filter(_Strict):
    """`{"field": "age", "op": ">=", "value": 80}`, or a value from the request: `"param"`."""

    field: str
    op: Operator = "="
    value: Scalar | list[Scalar] | None = None
    param: Literal["month"] | None = None

    @model_validator(mode="after")
    def _one_value(self) -> Self:
        if (self.value is None) == (self.param is None):
            raise ValueError("give exactly one of 'value' and 'param'")
        if self.param is None and (self.op in LIST_OPERATORS) != isinstance(self.value, list):
            shape = "a list" if self.op in LIST_OPERATORS else "a single value, not a list"
            raise ValueError(f"operator {self.op!r} takes {shape}")
        if self.param is not None and self.op in LIST_OPERATORS:
            raise ValueError(f"operator {self.op!r} cannot take a parameter")
        return self


class Column(_Strict):
    """`{"header": "楼栋", "field": "building"}`, or a count / sum per group."""

    header: str = Field(min_length=1)
    field: str | None = None
    aggregate: Literal["count", "sum"] | None = None

    @model_validator(mode="after")
    def _shape(self) -> Self:
        if self.aggregate == "count" and self.field is not None:
            raise ValueError("a count column takes no 'field'")
        if self.aggregate != "count" and self.field is None:
            raise ValueError("give the 'field' this column shows")
        return self


class ReportDefinition(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)
    title: str = Field(min_length=1)
    #: For file names (玉祁社区_80周岁以上老人_2026-11-25.xlsx); defaults to the title.
    short_title: str | None = None
    description: str = ""
    source: Source
    filters: list[Filter] = []
    #: Counting reports: one row per distinct combination of these fields.
    group_by: list[str] = []
    columns: list[Column] = Field(min_length=1)
    order_by: list[str] = []
    #: Counting reports: a 合计 row under the table.
    total: bool = False
    #: Counting reports: list every known value (e.g. D级危房: 0), not only those present.
    include_empty_groups: bool = False

    @property
    def counts(self) -> bool:
        return any(c.aggregate for c in self.columns)

    @property
    def params(self) -> list[str]:
        """The request parameters this report needs, e.g. ["month"] for the monthly ledger."""
        return sorted({f.param for f in self.filters if f.param})

    @property
    def fields(self) -> dict[str, FieldSpec]:
        return FIELDS[self.source]

    @model_validator(mode="after")
    def _speaks_the_vocabulary(self) -> Self:
        problems = [*self._filter_problems(), *self._shape_problems()]
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def _filter_problems(self) -> list[str]:
        return filter_problems(self.source, self.filters)

    def _shape_problems(self) -> list[str]:
        problems = [
            self._unknown(path, name)
            for path, name in [
                *((f"group_by[{i}]", g) for i, g in enumerate(self.group_by)),
                *((f"columns[{i}].field", c.field) for i, c in enumerate(self.columns) if c.field),
                *((f"order_by[{i}]", o) for i, o in enumerate(self.order_by)),
            ]
            if name not in self.fields
        ]
        for i, column in enumerate(self.columns):
            spec = self.fields.get(column.field or "")
            if column.aggregate == "sum" and spec and spec.kind != "number":
                problems.append(f"columns[{i}].field: can only sum a number field")
            if self.counts and not column.aggregate and column.field not in self.group_by:
                problems.append(
                    f"columns[{i}].field: a counting report shows only its group_by fields"
                )
        if self.group_by and not self.counts:
            problems.append("group_by: needs a count or sum column (a list report uses order_by)")
        if self.counts and set(self.order_by) - set(self.group_by):
            problems.append("order_by: a counting report sorts by its group_by fields only")
        problems += self._group_option_problems()
        return problems

    def _group_option_problems(self) -> list[str]:
        specs = [self.fields[g] for g in self.group_by if g in self.fields]
        problems = []
        if (self.total or self.include_empty_groups) and not self.counts:
            problems.append("total, include_empty_groups: only for counting reports")
        if self.total and any(s.multi for s in specs):
            problems.append("total: a row counts once per tag, so a total would overcount")
        if self.include_empty_groups and not all(s.choices for s in specs):
            problems.append("include_empty_groups: every group_by field needs known values")
        return problems

    def _unknown(self, path: str, name: str) -> str:
        known = ", ".join(self.fields)
        return f"{path}: unknown field {name!r} for source {self.source!r} (known: {known})"


def filter_problems(source: Source, filters: list[Filter]) -> list[str]:
    """Each filter naming a field the source lacks, or comparing it with a value it cannot take;
    also what a data request's rows are chosen by (hub/forms, `rows.filters`)."""
    fields = FIELDS[source]
    problems = []
    for i, flt in enumerate(filters):
        spec = fields.get(flt.field)
        if spec is None:
            known = ", ".join(fields)
            problems.append(
                f"filters[{i}].field: unknown field {flt.field!r} for source {source!r} "
                f"(known: {known})"
            )
            continue
        if flt.param is not None:
            if flt.field != flt.param:  # ?month=2026-11 means the rows of that month
                problems.append(
                    f"filters[{i}].param: {flt.param!r} filters the field of "
                    f"that name, not {flt.field!r}"
                )
            continue
        values = flt.value if isinstance(flt.value, list) else [flt.value]
        for value in values:
            problem = _value_problem(spec, value)
            if problem:
                problems.append(f"filters[{i}].value: {problem} for field {flt.field!r}")
    return problems


def _value_problem(spec: FieldSpec, value: Scalar | list[Scalar] | None) -> str | None:
    if spec.kind == "number" and not isinstance(value, int | float):
        return f"{value!r} is not a number"
    if spec.kind != "number" and not isinstance(value, str):
        return f"{value!r} is not text"
    if spec.kind == "date" and not _is_date(value):
        return f"{value!r} is not a date (YYYY-MM-DD)"
    if spec.choices and value not in spec.choices:
        return f"unknown value {value!r} (known: {', '.join(spec.choices)})"
    return None


def _is_date(value: object) -> bool:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return len(str(value)) == 10


def load_definitions(folder: Path) -> dict[str, ReportDefinition]:
    """Every `*.json` in the folder, by id. Raises DefinitionError naming the file and field."""
    if not folder.is_dir():
        raise DefinitionError(f"{folder}: no such folder of report definitions")
    definitions: dict[str, ReportDefinition] = {}
    for path in sorted(folder.glob("*.json")):
        definition = load_definition(path)
        definitions[definition.id] = definition
    return definitions


def load_definition(path: Path) -> ReportDefinition:
    try:
        raw: Any = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DefinitionError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}"
        ) from None
    try:
        definition = ReportDefinition.model_validate(raw)
    except ValidationError as exc:
        lines = [_describe(error) for error in exc.errors()]
        raise DefinitionError(f"{path}:\n  " + "\n  ".join(lines)) from None
    if definition.id != path.stem:
        raise DefinitionError(f"{path}: id: {definition.id!r} must match the file name")
    return definition


def _describe(error: Any) -> str:
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"]).lstrip(".")
    if error["type"] == "value_error":
        message = str(error["ctx"]["error"])  # our own check: the text already names the field
        return f"{path}: {message}" if path else message.replace("\n", "\n  ")
    return f"{path}: {error['msg']}"
