"""Check report definitions before deploying them: `python -m hub.reports [folder]`."""

from __future__ import annotations

import sys
from pathlib import Path

from hub.reports import REPORTS_DIR, DefinitionError, load_definitions


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else REPORTS_DIR
    try:
        definitions = load_definitions(folder)
    except DefinitionError as exc:
        print(exc.detail, file=sys.stderr)
        return 1
    for definition in definitions.values():
        print(f"ok  {definition.id}  {definition.title}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
