"""Connectors are found through an entry-point group; built-in ones load the same way."""

from __future__ import annotations

from importlib.metadata import entry_points

from connectors.sdk._connector import Connector
from hub.errors import ConfigurationError

ENTRY_POINT_GROUP = "community_hub.connectors"


def load_connectors() -> dict[str, Connector]:
    found: dict[str, Connector] = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        connector: Connector = entry.load()
        if connector.manifest.id != entry.name:
            raise ConfigurationError(
                f"connector entry point {entry.name!r} declares id {connector.manifest.id!r}"
            )
        found[entry.name] = connector
    return found
