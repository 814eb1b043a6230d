"""Per-connector configuration, taken from the hub's settings and handed to connectors.

Logins are not configuration: a connector with auth="vault" logs in as the worker who submitted,
with her own account read from the vault (``ctx.credentials()``); one with auth="sso" acts as her
with a token exchanged for her (``ctx.sso_token()``, hub/delegation.py).
"""

from __future__ import annotations

from hub.settings import Settings


def connector_configs(settings: Settings) -> dict[str, dict[str, str]]:
    """What each connector gets as ctx.config: the built-in defaults (the simulators), with
    HUB_CONNECTORS laid over them key by key."""
    configs = _built_in(settings)
    for connector_id, values in settings.connectors.items():
        configs[connector_id] = configs.get(connector_id, {}) | values
    return configs


def _built_in(settings: Settings) -> dict[str, dict[str, str]]:
    sims = settings.simulators
    return {
        "civil_affairs": {"base_url": sims.civil_url},
        "elderly_api": {"base_url": sims.api_url, "api_key": sims.api_key},
        # Her token is exchanged for one with this audience (the system's Keycloak client).
        "disability_allowance": {"base_url": sims.disability_url},
        "veterans": {"base_url": sims.veterans_url},
        "housing_safety": {"base_url": sims.housing_url, "api_key": sims.housing_api_key},
        "city_data": {"base_url": sims.city_data_url, "api_key": sims.city_data_api_key},
        "social_assistance": {"base_url": sims.social_url, "sso_audience": sims.social_client_id},
    }
