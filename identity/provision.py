"""Provision the `community` realm as code; safe to run on every start.

Run `python -m identity.provision` to apply it with the hub settings (HUB_KEYCLOAK__*, HUB_HUB__*).
"""

from __future__ import annotations

from keycloak import KeycloakAdmin

from identity._reconcile import ProvisionReport, Reconciler
from identity.realm import HUB_CLIENT_ID, REALM, community_realm

__all__ = ["ProvisionReport", "provision"]


def provision(
    *,
    server_url: str,
    admin_user: str,
    admin_password: str,
    hub_url: str,
    client_secret: str,
    demo_password: str,
    realm: str = REALM,
    client_id: str = HUB_CLIENT_ID,
) -> ProvisionReport:
    """Create what is missing and update what differs; a second run reports no changes."""
    spec = community_realm(
        hub_url=hub_url,
        client_secret=client_secret,
        demo_password=demo_password,
        realm=realm,
        client_id=client_id,
    )
    # The bootstrap admin lives in master; every call after `realm()` targets the new realm.
    admin = KeycloakAdmin(
        server_url=server_url,
        username=admin_user,
        password=admin_password,
        realm_name="master",
        user_realm_name="master",
    )
    reconciler = Reconciler(admin=admin, server_url=server_url, spec=spec)
    # Order matters: roles and groups must exist before users are put into them.
    reconciler.realm()
    reconciler.roles()
    reconciler.groups()
    reconciler.client()
    reconciler.users()
    return reconciler.report


def main() -> None:
    from hub.settings import get_settings  # the one place identity reads configuration

    settings = get_settings()
    report = provision(
        server_url=settings.keycloak.url,
        admin_user=settings.keycloak.admin_user,
        admin_password=settings.keycloak.admin_password,
        hub_url=settings.hub.url,
        client_secret=settings.keycloak.client_secret,
        demo_password=settings.keycloak.demo_password,
        realm=settings.keycloak.realm,
        client_id=settings.keycloak.client_id,
    )
    print(report)


if __name__ == "__main__":
    main()
