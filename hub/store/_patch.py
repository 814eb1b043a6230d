"""What every correction (PATCH) shares: only the fields given change, and a field the record
cannot be without may be left out but not emptied."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, BeforeValidator
from sqlmodel import SQLModel


def _refuse_null(value: object) -> object:
    if value is None:
        raise ValueError("此项不能为空")
    return value


#: For ``Annotated[str | None, NOT_NULL]``: left out is fine (validators skip defaults), an
#: explicit null is refused beside the field instead of being read as "keep" or "clear".
NOT_NULL = BeforeValidator(_refuse_null)


def apply_patch(row: SQLModel, data: BaseModel) -> dict[str, Any]:
    """Set the fields the caller gave that differ from the row; returns them.

    Unchanged values are not set again, so the history only lists what really changed.
    """
    changed = {
        key: value
        for key, value in data.model_dump(exclude_unset=True).items()
        if getattr(row, key) != value
    }
    for key, value in changed.items():
        setattr(row, key, value)
    return changed
