"""Jinja2 rendering for the simulators' server-side pages (autoescaped, UTF-8)."""

from __future__ import annotations

from typing import Any

import jinja2
from fastapi.responses import HTMLResponse


def template_env(package: str) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=True,
        # A misspelt variable must break the page, not silently render an empty cell.
        undefined=jinja2.StrictUndefined,
    )


def render(
    env: jinja2.Environment, name: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    return HTMLResponse(env.get_template(name).render(**context), status_code=status_code)
