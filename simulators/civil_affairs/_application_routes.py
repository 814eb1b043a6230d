"""The 高龄津贴 pages: entry form, filing, search, and the list of everything received."""

# No `from __future__ import annotations`: FastAPI evaluates route signatures at run time, and
# these name dependencies that exist only inside the router factory.

from typing import Annotated

import jinja2
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from simulators._html import render
from simulators.civil_affairs._form import BUSINESS_TYPE, FIELD_NAMES, FIELDS, form_problems
from simulators.civil_affairs._sessions import SessionStore
from simulators.civil_affairs._store import ApplicationStore


def application_router(
    *, sessions: SessionStore, store: ApplicationStore, env: jinja2.Environment
) -> APIRouter:
    router = APIRouter()

    CurrentUser = Annotated[str, Depends(sessions.current_user)]

    def form_page(user: str, values: dict[str, str], problems: list[tuple[str, str]]) -> Response:
        return render(env, "new.html", user=user, fields=FIELDS, values=values, problems=problems)

    @router.get("/elderly/new", response_class=HTMLResponse)
    def new_application(user: CurrentUser) -> Response:
        """高龄津贴申请录入."""
        blank = {name: "" for name in FIELD_NAMES} | {"business_type": BUSINESS_TYPE}
        return form_page(user, blank, [])

    @router.post("/elderly", response_class=HTMLResponse)
    async def file_application(request: Request, user: CurrentUser) -> Response:
        """Validate the posted form; file it and show the receipt, or show the form again."""
        form = await request.form()
        values = {name: _text(form.get(name)) for name in FIELD_NAMES}
        problems = form_problems(values)
        if problems:
            # 200 with the form again, the user's values kept: what the legacy system does.
            return form_page(user, values, [(p.field, p.message) for p in problems])
        record = await run_in_threadpool(store.file, values, submitted_by=user)
        return render(env, "done.html", user=user, record=record)

    @router.get("/elderly/search", response_class=HTMLResponse)
    def search(user: CurrentUser, id_number: str | None = None) -> Response:
        """申请查询: every record filed under one 公民身份号码."""
        rows = store.by_id_number(id_number) if id_number else None
        return render(env, "search.html", user=user, id_number=id_number or "", rows=rows)

    @router.get("/records", response_class=HTMLResponse)
    def records(user: CurrentUser) -> Response:
        """已受理记录, newest first."""
        return render(env, "records.html", user=user, rows=store.newest_first())

    return router


def _text(value: object) -> str:
    # A file upload where text is expected counts as blank.
    return value if isinstance(value, str) else ""
