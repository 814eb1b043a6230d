"""信息查询 by 公民身份号码, and 已采集记录: everything received, for a person to browse."""

# No `from __future__ import annotations`: FastAPI evaluates route signatures at run time, and
# these name dependencies that exist only inside the router factory.

from typing import Annotated

import jinja2
from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response

from simulators._html import render
from simulators.veterans._form import FIELDS, shown
from simulators.veterans._sessions import Session, SessionStore
from simulators.veterans._store import VeteransStore

_BY_NAME = {f.name: f for f in FIELDS}


def query_router(
    *, sessions: SessionStore, store: VeteransStore, env: jinja2.Environment
) -> APIRouter:
    router = APIRouter()
    CurrentSession = Annotated[Session, Depends(sessions.current)]

    @router.get("/collect/search", response_class=HTMLResponse)
    def search(session: CurrentSession, id_number: str | None = None) -> Response:
        """信息查询: every record collected under one 公民身份号码, oldest first."""
        rows = store.by_id_number(id_number.strip()) if id_number else None
        return render(env, "search.html", id_number=id_number or "", rows=rows)

    @router.get("/records", response_class=HTMLResponse)
    def records(session: CurrentSession) -> Response:
        """已采集记录, newest first, with the 审核 buttons."""
        return render(env, "records.html", rows=store.newest_first(), text=_text)

    return router


def _text(name: str, code: object) -> str:
    return shown(_BY_NAME[name], str(code))
