"""Per-connector configuration, taken from the hub's settings and handed to connectors.

Logins are not configuration: a connector with auth="vault" logs in as the worker who submitted,
with her own account read from the vault (``ctx.credentials()``).
"""

from __future__ import annotations

from hub.settings import Settings


def connector_configs(settings: Settings) -> dict[str, dict[str, str]]:
    sims = settings.simulators
    return {
        "civil_affairs": {"base_url": sims.civil_url},
        "elderly_api": {"base_url": sims.api_url, "api_key": sims.api_key},
    }
