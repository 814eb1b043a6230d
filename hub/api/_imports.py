"""Importing the community's own resident ledger (Excel .xlsx or CSV) through the API."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Form, Response, UploadFile
from pydantic import BaseModel

from hub import _jobs as jobs
from hub.deps import SessionDep, StateDep, Worker, community_of
from hub.errors import InvalidInput
from hub.store import imports

router = APIRouter(prefix="/api/imports", tags=["imports"])

MappingForm = Annotated[str | None, Form(description="JSON: field -> column header")]


class ImportStarted(BaseModel):
    job_id: str
    state: str


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


@router.post("/residents", status_code=202)
def import_residents(
    file: UploadFile,
    user: Worker,
    state: StateDep,
    session: SessionDep,
    response: Response,
    mapping: MappingForm = None,
    skip_bad_rows: Annotated[bool, Form()] = False,
) -> ImportStarted:
    """Start an import (202, poll the job); 422 listing each bad row unless skip_bad_rows."""
    community = community_of(user)
    table = _read_upload(file)
    fields = _mapping_for(table, mapping)
    report, job_id = jobs.check_and_start(
        state=state,
        session=session,
        user=user,
        community=community,
        table=table,
        mapping=fields,
        skip_bad_rows=skip_bad_rows,
    )
    if job_id is None:
        raise imports.ImportRejected(report.errors)
    response.headers["Location"] = f"/api/imports/jobs/{job_id}"
    return ImportStarted(job_id=job_id, state=imports.QUEUED)


@router.get("/jobs/{job_id}")
def import_job(job_id: str, user: Worker, session: SessionDep) -> imports.ImportJobView:
    """An import's progress (rows written of rows to write), then its result or its error."""
    return imports.get_job(session=session, job_id=job_id, community=community_of(user))


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
