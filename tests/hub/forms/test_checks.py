"""The named cross-field checks (hub/forms/_checks.py) are the ones docs/forms.md lists for IT."""

from __future__ import annotations

from pathlib import Path

from hub.forms._checks import CHECKS, ValuesCheck

DOCS = Path(__file__).parents[3] / "docs" / "forms.md"


def test_every_check_is_documented_with_the_fields_it_reads() -> None:
    lines = DOCS.read_text(encoding="utf-8").splitlines()
    rows = {line.split("|")[1].strip(" `"): line for line in lines if line.startswith("| `")}
    documented = [name for name in rows if name in CHECKS]

    assert set(documented) == set(CHECKS)
    for name, check in CHECKS.items():
        assert all(f"`{field}`" in rows[name] for field in check.reads), name
    # The docs say the first two run with the field rules: the values checks.
    kinds = [isinstance(CHECKS[name], ValuesCheck) for name in documented]
    assert kinds == [True, True] + [False] * (len(kinds) - 2)
