"""Jinja2 rendering for the simulators' server-side pages (autoescaped, UTF-8)."""

from __future__ import annotations

from typing import Any

import jinja2
from fastapi.responses import HTMLResponse

# Templates every simulator uses (the 审核 cells of a /records row, the refused-decision page).
_SHARED_PACKAGE = "simulators"


def template_env(package: str) -> jinja2.Environment:
    """The package's own templates/, then the shared simulators/templates/."""
    loaders = [jinja2.PackageLoader(package, "templates")]
    if package != _SHARED_PACKAGE:
        loaders.append(jinja2.PackageLoader(_SHARED_PACKAGE, "templates"))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        # A misspelt variable must break the page, not silently render an empty cell.
        undefined=jinja2.StrictUndefined,
    )


def render(
    env: jinja2.Environment, name: str, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    return HTMLResponse(env.get_template(name).render(**context), status_code=status_code)
