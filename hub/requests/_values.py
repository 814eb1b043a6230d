"""A row's values: kept encrypted as JSON, checked against the request's form, shown in words."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from hub.crypto import FieldCipher
from hub.errors import InvalidInput
from hub.forms import FormTemplate, TemplateField, validate_values
from hub.store._models_requests import ROW_CONTEXT


def seal(cipher: FieldCipher, values: Mapping[str, str]) -> str:
    return cipher.encrypt(json.dumps(dict(values), ensure_ascii=False), context=ROW_CONTEXT)


def unseal(cipher: FieldCipher, token: str) -> dict[str, str]:
    values: dict[str, str] = json.loads(cipher.decrypt(token, context=ROW_CONTEXT))
    return values


def check(form: FormTemplate, values: Mapping[str, str], today: date) -> dict[str, str]:
    """The form's verdict on the values: {} when nothing is missing or wrong, else the Chinese
    error of each field. Locked fields are the store's and not checked."""
    try:
        validate_values(form, values, today=today)
    except InvalidInput as exc:
        return dict(exc.field_errors or {"": exc.user_message or "填写有误"})
    return {}


def is_complete(form: FormTemplate, values: Mapping[str, str], today: date) -> bool:
    return not check(form, values, today)


def cleaned(form: FormTemplate, values: Mapping[str, str], today: date) -> dict[str, str]:
    """Values of a complete row as the form cleans them (normalized, hidden fields dropped), with
    the locked ones kept as they are."""
    clean = validate_values(form, values, today=today)
    locked = {f.name: values.get(f.name, "") for f in form.fields if f.locked}
    return {**locked, **{k: _text(v) for k, v in clean.items()}}


def shown(field: TemplateField, value: str | None) -> str:
    """A value in the words people read: a select's option name, not its code."""
    if not value:
        return ""
    return dict(field.choices).get(value, value) if field.type == "select" else value


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)
