"""The 两项补贴 pages: entry form, filing, search, the list of everything received, and the
region look-up the entry form's selects call."""

# No `from __future__ import annotations`: FastAPI evaluates route signatures at run time, and
# these name dependencies that exist only inside the router factory.

import json
from typing import Annotated

import jinja2
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from simulators._decisions import china_day
from simulators._storage import Clock
from simulators.disability._form import FIELD_NAMES, REGION_PARAMS, form_problems, values_from_post
from simulators.disability._gbk import gbk_json, parse_form, render
from simulators.disability._regions import children
from simulators.disability._sessions import SessionStore
from simulators.disability._store import ApplicationStore


def application_router(
    *, sessions: SessionStore, store: ApplicationStore, env: jinja2.Environment, clock: Clock
) -> APIRouter:
    router = APIRouter()

    CurrentUser = Annotated[str, Depends(sessions.current_user)]

    def form_page(user: str, values: dict[str, str], problems: list[str]) -> Response:
        today = china_day(clock()).isoformat()
        return render(env, "apply.html", user=user, v=values, problems=problems, today=today)

    @router.get("/subsidy/apply.do")
    def new_application(user: CurrentUser) -> Response:
        """两项补贴申请录入: a blank form."""
        return form_page(user, dict.fromkeys((*FIELD_NAMES, *REGION_PARAMS), ""), [])

    @router.post("/subsidy/apply.do")
    async def file_application(request: Request, user: CurrentUser) -> Response:
        """Validate the posted form; file it and show the receipt, or show the form again.

        The session is checked (CurrentUser) before the body is read: a post from a timed-out
        session files nothing and its values are lost.
        """
        values = values_from_post(parse_form(await request.body()))
        problems = form_problems(values, today=china_day(clock()))
        if problems:
            # 200 with the form again and the values kept: what the system of its time does.
            return form_page(user, values, [p.message for p in problems])
        record = await run_in_threadpool(store.file, values, submitted_by=user)
        return render(env, "done.html", user=user, record=record)

    @router.get("/subsidy/query.do")
    def search(user: CurrentUser, sfzh: str | None = None) -> Response:
        """申请查询: every application filed under one 公民身份号码, oldest first."""
        id_number = (sfzh or "").strip()
        rows = store.by_id_number(id_number) if id_number else None
        return render(env, "query.html", user=user, id_number=id_number, rows=rows)

    @router.get("/records")
    def records(user: CurrentUser) -> Response:
        """已受理记录, newest first, with the reviewer's buttons."""
        return render(env, "records.html", user=user, rows=store.newest_first())

    @router.get("/region/children")
    def region_children(code: str = "") -> Response:
        """The regions under one code, for the cascading selects: [{code, name}], in GBK.

        No log-in: the page's script calls it for a public code table.
        """
        items = [{"code": r.code, "name": r.name} for r in children(code)]
        return gbk_json(json.dumps(items, ensure_ascii=False))

    return router
