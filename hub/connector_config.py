"""Per-connector configuration, taken from the hub's settings and handed to connectors."""

from __future__ import annotations

from hub.settings import Settings


def connector_configs(settings: Settings) -> dict[str, dict[str, str]]:
    sims = settings.simulators
    return {
        "civil_affairs": {
            "base_url": sims.civil_url,
            "username": sims.civil_user,
            "password": sims.civil_password,
        },
        "elderly_api": {"base_url": sims.api_url, "api_key": sims.api_key},
    }
