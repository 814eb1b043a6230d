"""Per-connector configuration, taken from the hub's settings and handed to connectors.

Logins are not configuration: a connector with auth="vault" logs in as the worker who submitted,
with her own account read from the vault (``ctx.credentials()``); one with auth="sso" acts as her
with a token exchanged for her (``ctx.sso_token()``, hub/delegation.py).
"""

from __future__ import annotations

from hub.settings import Settings


def connector_configs(settings: Settings) -> dict[str, dict[str, str]]:
    sims = settings.simulators
    return {
        "civil_affairs": {"base_url": sims.civil_url},
        "elderly_api": {"base_url": sims.api_url, "api_key": sims.api_key},
        # Her token is exchanged for one with this audience (the system's Keycloak client).
        "social_assistance": {"base_url": sims.social_url, "sso_audience": sims.social_client_id},
    }
