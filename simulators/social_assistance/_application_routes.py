"""The 低保 pages: entry form, filing, search, and the list of everything received."""

# No `from __future__ import annotations`: FastAPI evaluates route signatures at run time, and
# these name dependencies that exist only inside the router factory.

from typing import Annotated

import jinja2
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from simulators._html import render
from simulators.social_assistance._access import Access
from simulators.social_assistance._form import FIELD_NAMES, FIELDS, form_problems
from simulators.social_assistance._store import DibaoStore
from simulators.social_assistance._tokens import SsoUser


def application_router(*, access: Access, store: DibaoStore, env: jinja2.Environment) -> APIRouter:
    router = APIRouter()

    CurrentUser = Annotated[SsoUser, Depends(access.current_user)]

    def form_page(
        user: SsoUser, values: dict[str, str], problems: list[tuple[str, str]]
    ) -> Response:
        return render(env, "new.html", user=user, fields=FIELDS, values=values, problems=problems)

    @router.get("/dibao/new", response_class=HTMLResponse)
    def new_application(user: CurrentUser) -> Response:
        """低保申请录入."""
        return form_page(user, dict.fromkeys(FIELD_NAMES, ""), [])

    @router.post("/dibao", response_class=HTMLResponse)
    async def file_application(request: Request, user: CurrentUser) -> Response:
        """Validate the posted form; file it and show the receipt, or show the form again."""
        form = await request.form()
        values = {name: _text(form.get(name)) for name in FIELD_NAMES}
        problems = form_problems(values)
        if problems:
            # 200 with the form again, the user's values kept: what the legacy system does.
            return form_page(user, values, [(p.field, p.message) for p in problems])
        record = await run_in_threadpool(store.file, values, submitted_by=user.username)
        return render(env, "done.html", user=user, record=record)

    @router.get("/dibao/search", response_class=HTMLResponse)
    def search(user: CurrentUser, id_number: str | None = None) -> Response:
        """申请查询: every 低保 application filed under one 公民身份号码."""
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
