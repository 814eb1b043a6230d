"""Connectors are found through an entry-point group; built-in ones load the same way."""

from __future__ import annotations

from importlib.metadata import entry_points

from connectors.sdk._connector import ChecksLogin, Connector, TracksDecisions
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
        if connector.manifest.decisions is not None and not isinstance(connector, TracksDecisions):
            raise ConfigurationError(
                f"connector {entry.name!r} declares decisions but has no check_decision"
            )
        if connector.manifest.auth == "vault" and not isinstance(connector, ChecksLogin):
            raise ConfigurationError(
                f"connector {entry.name!r} declares auth='vault' but has no check_login"
            )
        found[entry.name] = connector
    return found
