"""One way to show and read a correction form (修改): the current values prefilled, only what she
changed sent to the store, and on a mistake the form again with what she typed and a Chinese
message beside each bad field."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from hub.errors import chinese_field_errors
from hub.portal._render import page

BLANK = "此项不能为空"
_M = TypeVar("_M", bound=BaseModel)


@dataclass(frozen=True)
class Input:
    name: str
    label: str
    #: A select: value -> what she reads. Without it, a text input (or a textarea).
    choices: Mapping[str, str] | None = None
    required: bool = True
    textarea: bool = False
    #: What an emptied optional field tells the store: None clears it; "" for a text kept as "".
    cleared: str | None = None
    help: str = ""
    attrs: str = ""


@dataclass(frozen=True)
class EditForm:
    title: str
    action: str
    back: str
    inputs: list[Input]
    #: Hidden fields the form carries back (e.g. which page to return to).
    hidden: dict[str, str] = field(default_factory=dict)
    #: Where a 注销 (remove) form posts, if the record may be removed.
    remove_action: str | None = None


def same(values: Iterable[str]) -> dict[str, str]:
    """Choices whose value is also what she reads (安全, 一般隐患…)."""
    return {v: v for v in values}


def typed_values(form: FormData, inputs: list[Input]) -> dict[str, str]:
    return {i.name: str(form.get(i.name, "")).strip() for i in inputs}


def read_changes(
    *,
    model: type[_M],
    inputs: list[Input],
    typed: dict[str, str],
    current: dict[str, str],
    also: Mapping[str, object] | None = None,
) -> tuple[_M | None, dict[str, str]]:
    """The fields she changed, validated as `model` (an emptied field given as `cleared`), or
    the errors to show beside each field. `also`: changes found otherwise (an owner looked up)."""
    changed: dict[str, object] = {
        i.name: typed[i.name] or i.cleared
        for i in inputs
        if typed[i.name] != current.get(i.name, "")
    }
    changed.update(also or {})
    errors = {i.name: BLANK for i in inputs if i.required and not typed[i.name]}
    try:
        data = model.model_validate(changed)
    except ValidationError as exc:
        return None, {**chinese_field_errors(exc.errors()), **errors}
    return (None, errors) if errors else (data, {})


def edit_page(
    request: Request,
    portal: Any,
    form: EditForm,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    message: str = "",
) -> HTMLResponse:
    """The form with `values` (the record's, or what she typed); 422 when there are errors."""
    return page(
        request,
        "edit.html",
        portal,
        status_code=422 if errors or message else 200,
        form=form,
        values=values,
        errors=errors or {},
        message=message,
    )
