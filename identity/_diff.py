"""Compare what we want with what Keycloak has, looking only at the fields we manage."""

from __future__ import annotations

from typing import Any


def differs(current: Any, desired: Any) -> bool:
    """True when some field set in `desired` has another value in `current`.

    Keycloak adds many fields of its own (ids, defaults, timestamps); those are not ours, so a
    representation counts as equal when it agrees on every field we declare. Lists of strings
    are compared as sets because Keycloak stores redirect URIs, locales and the like unordered.
    """
    if isinstance(desired, dict):
        if not isinstance(current, dict):
            return True
        return any(differs(current.get(key), value) for key, value in desired.items())
    if isinstance(desired, list) and all(isinstance(item, str) for item in desired):
        return not isinstance(current, list) or set(current) != set(desired)
    return bool(current != desired)
