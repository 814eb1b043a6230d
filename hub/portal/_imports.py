"""The portal's ledger import: upload, read the dry-run report, import, watch its progress.

Between the steps the uploaded file waits on the server, encrypted for the worker who sent it
(so a token alone opens nothing), and is deleted once its import has started or after an hour.
The import runs as a job (hub._jobs); its page shows the rows written and then the outcome.
"""

from __future__ import annotations

import re
import secrets
import time
from functools import partial
from pathlib import Path, PurePath
from typing import Any

from cryptography.exceptions import InvalidTag
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from hub import _jobs as jobs
from hub._state import HubState
from hub.deps import PortalSessionDep, SessionDep, StateDep, Worker, community_of
from hub.errors import InvalidInput
from hub.portal._render import page
from hub.store import imports
from identity import Principal

router = APIRouter(include_in_schema=False)

_KEEP_SECONDS = 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{24}$")
_SHOWN_ERRORS = 500  # a page listing 100,000 bad rows helps nobody; the count says the rest


@router.get("/imports/residents")
def upload_page(request: Request, user: Worker, portal: PortalSessionDep) -> HTMLResponse:
    community_of(user)
    return page(request, "import.html", portal)


@router.post("/imports/residents/check")
async def check_page(
    request: Request, user: Worker, state: StateDep, session: SessionDep, portal: PortalSessionDep
) -> HTMLResponse:
    community = community_of(user)
    form = await request.form()
    upload = form.get("file")
    try:
        if isinstance(upload, UploadFile) and upload.filename:
            data, filename = await upload.read(imports.MAX_BYTES + 1), upload.filename
            table = imports.read_table(data, filename)  # refuse a bad file before keeping it
            token = _keep(state, user, data, filename)
        else:
            token = str(form.get("token", ""))
            table = _table(state, user, token)
    except InvalidInput as exc:
        return page(request, "import.html", portal, status_code=422, message=exc.user_message)
    mapping = _mapping(form, table)
    try:
        report = await run_in_threadpool(
            imports.check,
            table,
            mapping,
            session=session,
            cipher=state.cipher,
            community=community,
        )
    except InvalidInput as exc:
        return _report(request, portal, table, mapping, token, None, exc.user_message, 422)
    return _report(request, portal, table, mapping, token, report)


@router.post("/imports/residents")
async def import_page(
    request: Request, user: Worker, state: StateDep, session: SessionDep, portal: PortalSessionDep
) -> Response:
    community = community_of(user)
    form = await request.form()
    token = str(form.get("token", ""))
    try:
        table = _table(state, user, token)
    except InvalidInput as exc:
        return page(request, "import.html", portal, status_code=422, message=exc.user_message)
    mapping = _mapping(form, table)
    skip_bad_rows = form.get("skip_bad_rows") == "1"
    try:
        report, job_id = await run_in_threadpool(
            partial(
                jobs.check_and_start,
                state=state,
                session=session,
                user=user,
                community=community,
                table=table,
                mapping=mapping,
                skip_bad_rows=skip_bad_rows,
            )
        )
    except InvalidInput as exc:
        return _report(request, portal, table, mapping, token, None, exc.user_message, 422)
    if job_id is None:
        message = imports.ImportRejected(report.errors).user_message
        return _report(request, portal, table, mapping, token, report, message, 422)
    _folder(state).joinpath(token).unlink(missing_ok=True)  # the job holds the rows now
    return RedirectResponse(f"/imports/jobs/{job_id}", status_code=303)


@router.get("/imports/jobs/{job_id}")
def job_page(
    request: Request, job_id: str, user: Worker, session: SessionDep, portal: PortalSessionDep
) -> HTMLResponse:
    """Progress that updates itself (the page polls /api/imports/jobs/…), then the outcome."""
    job = imports.get_job(session=session, job_id=job_id, community=community_of(user))
    return page(request, "import_job.html", portal, job=job, shown_errors=_SHOWN_ERRORS)


def _report(
    request: Request,
    portal: Any,
    table: imports.Table,
    mapping: dict[str, str],
    token: str,
    report: imports.ImportCheck | None,
    message: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    try:
        sample: imports.Preview | None = imports.preview(table, mapping, limit=5)
    except InvalidInput:  # the same column chosen twice: the message above says so
        sample = None
    return page(
        request,
        "import_check.html",
        portal,
        status_code=status_code,
        fields=imports.FIELDS,
        required=imports.REQUIRED,
        headers=table.headers,
        mapping=mapping,
        token=token,
        report=report,
        sample=sample,
        shown_errors=report.errors[:_SHOWN_ERRORS] if report else [],
        message=message,
    )


def _mapping(form: FormData, table: imports.Table) -> dict[str, str]:
    """The worker's choice of columns once she has seen the report, else the guess."""
    if not any(key.startswith("map_") for key in form):
        return imports.guess_mapping(table.headers)
    chosen = {field: str(form.get(f"map_{field}", "")) for field in imports.FIELDS}
    return {field: header for field, header in chosen.items() if header}


def _folder(state: HubState) -> Path:
    return state.settings.data_dir / "imports"


def _context(user: Principal) -> str:
    return f"import:{user.community_code}:{user.username}"


def _keep(state: HubState, user: Principal, data: bytes, filename: str) -> str:
    folder = _folder(state)
    folder.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in folder.iterdir():  # forgotten uploads: the worker closed the page
        if old.stat().st_mtime < now - _KEEP_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(18)
    suffix = PurePath(filename).suffix.lower().encode()
    blob = state.cipher.encrypt_bytes(suffix + b"\n" + data, context=_context(user))
    folder.joinpath(token).write_bytes(blob)
    return token


def _table(state: HubState, user: Principal, token: str) -> imports.Table:
    expired = InvalidInput("upload token unknown", user_message="上传的文件已过期，请重新选择文件")
    if not _TOKEN.match(token):
        raise expired
    try:
        blob = _folder(state).joinpath(token).read_bytes()
        raw = state.cipher.decrypt_bytes(blob, context=_context(user))
    except (OSError, InvalidTag):
        raise expired from None
    suffix, _, data = raw.partition(b"\n")
    return imports.read_table(data, "upload" + suffix.decode())
