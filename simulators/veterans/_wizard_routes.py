"""信息采集, a four-step wizard inside the work-area frame: 基本信息 → 服役信息 → 安置与优待 → 确认.

下一步 checks the step on the server and keeps its values in the session; 上一步 keeps what was
typed without checking it. A step can only be opened once the steps before it have passed, and
提交 checks everything again before filing.
"""

# No `from __future__ import annotations`: FastAPI evaluates route signatures at run time, and
# these name dependencies that exist only inside the router factory.

from typing import Annotated

import jinja2
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from simulators._decisions import china_day
from simulators._html import render
from simulators._rules import Problem
from simulators._storage import Clock
from simulators.veterans._checks import all_problems, step_problems
from simulators.veterans._form import CONFIRM_STEP, FIELD_NAMES, STEP_TITLES, STEPS, shown, step
from simulators.veterans._sessions import Session, SessionStore
from simulators.veterans._store import VeteransStore

#: Values the confirmation and receipt pages mark for masking in screenshots.
SENSITIVE = frozenset({"name", "id_number", "phone", "address", "birth_date"})


def wizard_router(
    *, sessions: SessionStore, store: VeteransStore, env: jinja2.Environment, clock: Clock
) -> APIRouter:
    router = APIRouter()
    CurrentSession = Annotated[Session, Depends(sessions.current)]

    def step_page(number: int, session: Session, problems: list[Problem]) -> Response:
        pairs = [(p.field, p.message) for p in problems]
        if number == CONFIRM_STEP:
            return render(
                env,
                "confirm.html",
                steps=STEPS,
                titles=STEP_TITLES,
                values=session.draft,
                problems=pairs,
                shown=shown,
                sensitive=SENSITIVE,
            )
        return render(
            env,
            "step.html",
            step=step(number),
            titles=STEP_TITLES,
            values=session.draft,
            problems=pairs,
        )

    @router.get("/collect/new")
    def start(session: CurrentSession) -> Response:
        """退役军人信息采集 from the menu: a blank wizard."""
        session.start_over()
        return _to_step(1)

    @router.get("/collect/step/{number}", response_class=HTMLResponse)
    def show_step(number: int, session: CurrentSession) -> Response:
        """One step, with the values the session holds."""
        if not 1 <= number <= CONFIRM_STEP:
            return Response(status_code=404)
        first_open = _first_open_step(session)
        if number > first_open:
            return _to_step(first_open)
        return step_page(number, session, [])

    @router.post("/collect/step/{number}", response_class=HTMLResponse)
    async def leave_step(number: int, request: Request, session: CurrentSession) -> Response:
        """上一步 keeps the typed values; 下一步 checks them first."""
        if not 1 <= number < CONFIRM_STEP:
            return Response(status_code=404)
        form = await request.form()
        for f in step(number).fields:
            typed = form.get(f.name)
            session.draft[f.name] = typed if isinstance(typed, str) else ""
        # Changed values must pass again, here and (for the birth date step 2 reads) later on.
        session.completed = {n for n in session.completed if n < number}
        if form.get("action") == "back":
            return _to_step(max(number - 1, 1))
        problems = step_problems(number, session.draft, china_day(clock()))
        if problems:
            # 200 with the step again, the values kept: what the legacy system does.
            return step_page(number, session, problems)
        session.completed.add(number)
        return _to_step(number + 1)

    @router.post("/collect/submit", response_class=HTMLResponse)
    async def submit(request: Request, session: CurrentSession) -> Response:
        """提交 on the confirmation step: check everything again, file, show the 采集编号."""
        form = await request.form()
        if form.get("action") == "back":
            return _to_step(CONFIRM_STEP - 1)
        if _first_open_step(session) < CONFIRM_STEP:
            return _to_step(_first_open_step(session))
        problems = all_problems(session.draft, china_day(clock()))
        if problems:
            return step_page(CONFIRM_STEP, session, problems)
        values = {name: session.draft.get(name, "") for name in FIELD_NAMES}
        record = await run_in_threadpool(store.file, values, submitted_by=session.user)
        session.start_over()
        return render(env, "done.html", record=record)

    return router


def _first_open_step(session: Session) -> int:
    return next((s.number for s in STEPS if s.number not in session.completed), CONFIRM_STEP)


def _to_step(number: int) -> Response:
    return RedirectResponse(f"/collect/step/{number}", status_code=303)
