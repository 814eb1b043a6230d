"""Compare what we want with what Keycloak has, looking only at the fields we manage."""

from __future__ import annotations

from typing import Any


def differs(current: Any, desired: Any) -> bool:
    """True when some field set in `desired` has another value in `current`.

    Keycloak adds many fields of its own (ids, defaults, timestamps); those are not ours, so a
    representation counts as equal when it agrees on every field we declare. Lists of strings
    are compared as sets because Keycloak stores redirect URIs, locales and the like unordered.
    """
    return bool(differences(current, desired))


def differences(current: Any, desired: Any, path: str = "") -> list[str]:
    """Each managed field that differs, as `path: current → desired` (secrets not shown)."""
    if isinstance(desired, dict):
        if not isinstance(current, dict):
            return [f"{path or '(whole)'}: missing → set"]
        found: list[str] = []
        for key, value in desired.items():
            found += differences(current.get(key), value, f"{path}.{key}" if path else key)
        return found
    if isinstance(desired, list) and all(isinstance(item, str) for item in desired):
        if isinstance(current, list) and set(current) == set(desired):
            return []
        return [f"{path}: {_shown(path, current)} → {_shown(path, desired)}"]
    if current == desired:
        return []
    return [f"{path}: {_shown(path, current)} → {_shown(path, desired)}"]


def _shown(path: str, value: Any) -> str:
    # Client secrets and passwords are compared, never printed.
    if any(word in path.lower() for word in ("secret", "password", "credential")):
        return "***"
    return repr(value)
