"""Rendering portal pages: the templates and the context every page's base.html needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from hub.words import STATUS_WORDS

templates = Jinja2Templates(directory=Path(__file__).with_name("templates"))


def page(
    request: Request, template: str, portal: Any, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """A page for the signed-in worker: `portal` is the (session, principal) pair or None."""
    session, user = portal if portal else (None, None)
    return templates.TemplateResponse(
        request,
        template,
        {
            "user": user,
            "csrf_token": session.csrf_token if session else "",
            "status_words": STATUS_WORDS,
            **context,
        },
        status_code=status_code,
    )
