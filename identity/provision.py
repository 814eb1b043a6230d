"""Provision the `community` realm as code; safe to run on every start.

    python -m identity plan     # print what differs from the code (drift), change nothing
    python -m identity apply    # make Keycloak match the code (what `make run` does)
    python -m identity import-users 花名册.xlsx [--apply --passwords-out 初始密码.csv]

Both read the hub settings (HUB_KEYCLOAK__*, HUB_HUB__*).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from keycloak import KeycloakAdmin

from identity._reconcile import ProvisionReport, Reconciler
from identity.realm import HUB_CLIENT_ID, REALM, DownstreamClient, community_realm

if TYPE_CHECKING:
    from pathlib import Path

    from hub.settings import Settings

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
    dry_run: bool = False,
    downstream: tuple[DownstreamClient, ...] = (),
) -> ProvisionReport:
    """Create what is missing and update what differs; a second run reports no changes.

    With dry_run, only read: the report says what would be created or updated and, for each
    update, which managed fields differ (someone's change in the admin console, say)."""
    spec = community_realm(
        hub_url=hub_url,
        client_secret=client_secret,
        demo_password=demo_password,
        realm=realm,
        client_id=client_id,
        downstream=downstream,
    )
    # The bootstrap admin lives in master; every call after `realm()` targets the new realm.
    admin = _admin(server_url, admin_user, admin_password)
    reconciler = Reconciler(admin=admin, server_url=server_url, spec=spec, dry_run=dry_run)
    # Order matters: roles and groups must exist before users are put into them.
    reconciler.realm()
    if reconciler.realm_missing:
        reconciler.everything_missing()
        return reconciler.report
    reconciler.roles()
    reconciler.groups()
    reconciler.downstream_clients()  # before the portal client, whose mappers name them
    reconciler.client()
    reconciler.users()
    return reconciler.report


def downstream_clients(settings: Settings) -> tuple[DownstreamClient, ...]:
    """The systems that trust the realm, where the settings say they are."""
    sims = settings.simulators
    return (
        DownstreamClient(
            client_id=sims.social_client_id,
            name="江苏省民政厅社会救助系统",
            base_url=sims.social_url,
            secret=sims.social_client_secret,
        ),
    )


def _admin(server_url: str, admin_user: str, admin_password: str) -> KeycloakAdmin:
    return KeycloakAdmin(
        server_url=server_url,
        username=admin_user,
        password=admin_password,
        realm_name="master",
        user_realm_name="master",
    )


def main(argv: list[str] | None = None) -> int:
    import argparse
    from pathlib import Path

    from hub.settings import get_settings  # the one place identity reads configuration

    parser = argparse.ArgumentParser(prog="python -m identity", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("plan", help="print the realm's drift from the code; change nothing")
    commands.add_parser("apply", help="make Keycloak match the code")
    roster = commands.add_parser("import-users", help="users and their unit from a roster")
    roster.add_argument("file", type=Path, help=".xlsx or .csv with 用户名, 姓名, 角色, 所属单位")
    roster.add_argument("--apply", action="store_true", help="change Keycloak (default: show)")
    roster.add_argument("--passwords-out", type=Path, help="where new users' passwords go")
    args = parser.parse_args(argv)
    settings = get_settings()
    kc = settings.keycloak
    if args.command == "import-users":
        return _import_users(
            args.file, apply=args.apply, passwords_out=args.passwords_out, settings=settings
        )
    dry_run = args.command == "plan"
    report = provision(
        server_url=kc.url,
        admin_user=kc.admin_user,
        admin_password=kc.admin_password,
        hub_url=settings.hub.url,
        client_secret=kc.client_secret,
        demo_password=kc.demo_password,
        realm=kc.realm,
        client_id=kc.client_id,
        dry_run=dry_run,
        downstream=downstream_clients(settings),
    )
    print(report)
    # `plan` exits 2 when there is drift, so a scheduled check can alert on it.
    return 2 if dry_run and report.changed else 0


def _import_users(
    file: Path, *, apply: bool, passwords_out: Path | None, settings: Settings
) -> int:
    from hub.errors import InvalidInput
    from identity.users import import_roster, read_roster, write_passwords

    kc = settings.keycloak
    if apply and passwords_out is None:
        print("--apply needs --passwords-out: new users' first passwords must go somewhere safe")
        return 1
    spec = community_realm(
        hub_url=settings.hub.url,
        client_secret=kc.client_secret,
        demo_password=kc.demo_password,
        realm=kc.realm,
        client_id=kc.client_id,
        downstream=downstream_clients(settings),
    )
    try:
        users = read_roster(file.read_bytes(), file.name, spec)
    except InvalidInput as exc:
        print(exc.user_message)
        return 1
    admin = _admin(kc.url, kc.admin_user, kc.admin_password)
    admin.change_current_realm(kc.realm)
    report = import_roster(admin, spec, users, apply=apply)
    if apply and passwords_out is not None and report.passwords:
        write_passwords(report, passwords_out)
        print(f"temporary passwords of {len(report.passwords)} new user(s): {passwords_out}")
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
