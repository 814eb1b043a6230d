"""Importing the community's own resident ledger (Excel .xlsx or CSV) through the API."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Form, UploadFile

from hub.deps import SessionDep, StateDep, Worker, community_of
from hub.errors import InvalidInput
from hub.store import imports

router = APIRouter(prefix="/api/imports", tags=["imports"])

MappingForm = Annotated[str | None, Form(description="JSON: field -> column header")]


@router.post("/residents/preview")
def preview_residents(file: UploadFile, user: Worker) -> imports.Preview:
    """The file's columns, the guessed column mapping and its first rows (ID numbers masked)."""
    community_of(user)
    table = _read_upload(file)
    return imports.preview(table, imports.guess_mapping(table.headers))


@router.post("/residents/check")
def check_residents(
    file: UploadFile,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    mapping: MappingForm = None,
) -> imports.ImportCheck:
    """Dry run: rows that would be created, updated or left unchanged, and every bad row."""
    table = _read_upload(file)
    return imports.check(
        table,
        _mapping_for(table, mapping),
        session=session,
        cipher=state.cipher,
        community=community_of(user),
    )


@router.post("/residents")
def import_residents(
    file: UploadFile,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    mapping: MappingForm = None,
    skip_bad_rows: Annotated[bool, Form()] = False,
) -> imports.ImportResult:
    """Import: all rows or none (422 listing each bad row), unless skip_bad_rows is set."""
    table = _read_upload(file)
    result = imports.apply(
        table,
        _mapping_for(table, mapping),
        session=session,
        cipher=state.cipher,
        community=community_of(user),
        skip_bad_rows=skip_bad_rows,
    )
    session.commit()  # answer only once the import is stored
    return result


def _read_upload(file: UploadFile) -> imports.Table:
    # Read one byte past the limit, so an oversized upload is refused without holding it all.
    data = file.file.read(imports.MAX_BYTES + 1)
    return imports.read_table(data, file.filename or "")


def _mapping_for(table: imports.Table, raw: str | None) -> dict[str, str]:
    """The guessed mapping, with what the caller sent on top ("" unmaps a field)."""
    mapping = imports.guess_mapping(table.headers)
    if not raw:
        return mapping
    try:
        given = json.loads(raw)
    except ValueError:
        given = None
    if not isinstance(given, dict) or not all(isinstance(v, str) for v in given.values()):
        raise InvalidInput(
            "mapping is not a JSON object of strings",
            field_errors={"mapping": '列对应应为 JSON 对象，例如 {"id_number": "身份证号"}'},
        )
    return {field: header for field, header in (mapping | given).items() if header}
