"""What a form template is: the models a `forms/*.toml` file is read into (see _template_load).

Every model forbids unknown keys, so a misspelt rule is refused instead of silently not
checked, and is strict, so that `required = "no"` is refused rather than read as true.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict

from hub.errors import ConfigurationError
from hub.forms._bindings import CODE_TABLES

FieldType = Literal["text", "textarea", "select", "date", "tel", "number", "money", "idcard"]
Normalize = Literal["strip", "remove_spaces", "remove_commas", "upper"]
#: application: a worker files it for a resident to its targets; collection: a data request's
#: table, one row per resident the rows select, completed by each community; questionnaire:
#: filled by residents through a link that needs no account.
Kind = Literal["application", "collection", "questionnaire"]
#: A bound of min or max: a number, an ISO date, "today" (dates) or "this_year" (numbers).
Bound = int | float | str


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class VisibleIf(_Strict):
    """The field shows (and is checked and kept) only when another field has one of these."""

    field: str
    equals: str | None = None
    one_of: list[str] | None = None

    def holds(self, value: object) -> bool:
        if value is None:  # the other field is hidden, invalid or empty
            return False
        wanted = [self.equals] if self.equals is not None else self.one_of or []
        return str(value) in wanted


class TemplateField(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    type: FieldType = "text"
    required: bool = True
    help: str = ""
    #: Filled from the store (`bind`) and not editable; the server takes it from the store.
    locked: bool = False
    bind: str | None = None
    masked: bool = False
    #: A code table's name (hub/forms/_bindings.py) or inline [code, name] pairs.
    options: str | list[Annotated[tuple[str, str], Strict(False)]] | None = None  # TOML: lists
    normalize: list[Normalize] = []
    visible_if: VisibleIf | None = None
    pattern: str | None = None
    min_length: int | None = Field(default=None, ge=0)
    max_length: int | None = Field(default=None, ge=1)
    min: Bound | None = None
    max: Bound | None = None
    #: A date field this date must be later than.
    after: str | None = None
    #: The message of every rule that has no message of its own.
    message: str | None = None
    pattern_message: str | None = None
    min_length_message: str | None = None
    max_length_message: str | None = None
    min_message: str | None = None
    max_message: str | None = None
    after_message: str | None = None

    @property
    def choices(self) -> list[tuple[str, str]]:
        if isinstance(self.options, str):
            return CODE_TABLES[self.options]
        return list(self.options or [])


class Repeat(_Strict):
    min: int = Field(default=0, ge=0)
    max: int = Field(ge=1)
    #: What one item is called: 家庭成员.
    item_label: str = Field(min_length=1)


class TemplateSection(_Strict):
    title: str = Field(min_length=1)
    #: A repeating section's key in the submitted values (a list of items, one dict each).
    name: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]*$")
    help: str = ""
    repeat: Repeat | None = None
    #: A repeating section filled from the store: one item per other member of her household.
    bind: Literal["household.members"] | None = None
    fields: list[TemplateField]


class RowSelect(_Strict):
    """A collection's rows: the residents of each community its filters keep, in the words of
    report definitions (`{field = "age", op = ">=", value = 80}`, hub/reports/_vocabulary.py)."""

    source: Literal["residents"] = "residents"
    filters: list[dict[str, Any]] = []


class FormTemplate(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    version: int = Field(ge=1)
    title: str = Field(min_length=1)
    kind: Kind = "application"
    #: What the form is for, shown above it (a questionnaire's greeting, a request's purpose).
    description: str = ""
    targets: list[str] = []
    #: Per-target mappings (`[targets.<connector_id>]` tables), kept as written.
    mappings: dict[str, dict[str, Any]] = {}
    #: Names of cross-field checks in hub/forms/_checks.py, run in this order.
    checks: list[str] = []
    #: A collection's rows (kind "collection" only).
    rows: RowSelect | None = None
    sections: list[TemplateSection]

    @property
    def fields(self) -> list[TemplateField]:
        """The fields outside repeating sections, in order."""
        return [f for s in self.sections if s.repeat is None for f in s.fields]

    @property
    def groups(self) -> list[TemplateSection]:
        """The repeating sections."""
        return [s for s in self.sections if s.repeat is not None]


class TemplateError(ConfigurationError):
    """A template file is broken; `problems` lists each problem with its file and place."""

    def __init__(self, problems: list[str]) -> None:
        lines = "\n".join(f"- {problem}" for problem in problems)
        super().__init__(f"{len(problems)} problem(s) in form templates:\n{lines}")
        self.problems = problems
