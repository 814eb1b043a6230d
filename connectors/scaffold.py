"""`python -m connectors scaffold`: a new connector package that passes its own tests at once.

It writes a robot (`--kind robot`: login, look-up, entry form, receipt, in Playwright) or an API
client (`--kind api`), each with the files every connector has (manifest, mapping, error table,
page objects or client) and tests against a small stand-in of the target, so IT starts from
green and changes one thing at a time. docs/connector-guide.md walks through the rest.
"""

from __future__ import annotations

import keyword
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path
from string import Template

_ID = re.compile(r"[a-z][a-z0-9_]{2,40}")


def scaffold(
    *, connector_id: str, name: str, kind: str, into: Path, business_type: str = ""
) -> list[Path]:
    """Write the package `into/<connector_id>/`; returns the files written. Refuses to overwrite."""
    if not _ID.fullmatch(connector_id) or keyword.iskeyword(connector_id):
        raise ValueError(
            f"{connector_id!r}: a connector id is 3-41 lowercase letters, digits or _, "
            "starting with a letter (it is also the Python package name)"
        )
    if kind not in ("robot", "api"):
        raise ValueError("kind must be robot or api")
    target = into / connector_id
    if target.exists():
        raise FileExistsError(f"{target} exists; choose another id or folder")
    values = {
        "id": connector_id,
        "pkg": _module_path(into, connector_id),
        "name": name,
        "cls": "".join(part.title() for part in connector_id.split("_")) + "Connector",
        "business": business_type or name,
    }
    written = []
    templates = resources.files("connectors") / "_templates" / kind
    for template in _walk(templates):
        relative = Path(str(template).removeprefix(str(templates)).lstrip("/"))
        path = target / relative.with_suffix("")  # drop .tmpl
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Template(template.read_text(encoding="utf-8")).substitute(values))
        written.append(path)
    _tidy(target)
    return sorted(written)


def _module_path(into: Path, connector_id: str) -> str:
    """The dotted path the package is imported by: inside a package (e.g. the hub's own
    connectors/ folder) it is that package's sub-package."""
    parts = [connector_id]
    folder = into.resolve()
    while (folder / "__init__.py").exists():
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts)


def _tidy(target: Path) -> None:
    """Sort imports and format as the project's own code, where ruff is installed."""
    style = ["--line-length", "100"]  # the hub's own style
    for args in (["check", "--fix-only", "--select", "I", "-q", *style], ["format", "-q", *style]):
        subprocess.run(  # noqa: S603  (our own interpreter, fixed arguments)
            [sys.executable, "-m", "ruff", *args, target.name],
            cwd=target.parent,  # so the new package counts as first-party, as in IT's project
            check=False,
            capture_output=True,
        )


def _walk(folder):  # type: ignore[no-untyped-def]  # importlib.resources Traversable
    for entry in folder.iterdir():
        if entry.is_dir():
            yield from _walk(entry)
        elif entry.name.endswith(".tmpl"):
            yield entry


def entry_point_line(connector_id: str, into: Path) -> str:
    """The line for the `[project.entry-points."community_hub.connectors"]` table."""
    return f'{connector_id} = "{_module_path(into, connector_id)}:connector"'
