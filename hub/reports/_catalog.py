"""The shipped report definitions, reloaded when IT adds or edits a file (no restart)."""

from __future__ import annotations

import threading
from pathlib import Path

from hub.errors import NotFound
from hub.reports._definition import ReportDefinition, load_definitions

#: The `reports/` folder beside the `hub` package.
REPORTS_DIR = Path(__file__).with_name("definitions")  # shipped inside the package

_lock = threading.Lock()
_cache: dict[Path, tuple[object, dict[str, ReportDefinition]]] = {}


def catalog(folder: Path = REPORTS_DIR) -> dict[str, ReportDefinition]:
    """The folder's definitions by id; read again only when a file changed, appeared or went."""
    stamp = _stamp(folder)
    with _lock:
        cached = _cache.get(folder)
        if cached is None or cached[0] != stamp:
            cached = (stamp, load_definitions(folder))
            _cache[folder] = cached
        return cached[1]


def shipped_definitions() -> dict[str, ReportDefinition]:
    """The definitions in `reports/`: the routers' dependency (tests may override it)."""
    return catalog(REPORTS_DIR)


def find_definition(definitions: dict[str, ReportDefinition], report_id: str) -> ReportDefinition:
    definition = definitions.get(report_id)
    if definition is None:
        raise NotFound(f"report {report_id!r} not defined")
    return definition


def _stamp(folder: Path) -> object:
    files = sorted(folder.glob("*.json"))
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)
