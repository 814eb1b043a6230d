"""Bring one realm in line with a `RealmSpec`: create what is missing, update what differs.

Each step reads before it writes, so a second run against an unchanged server only reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
from keycloak import KeycloakAdmin, KeycloakGetError

from identity._diff import differences, differs
from identity.realm import DemoUser, RealmSpec, Representation

HTTP_NOT_FOUND = 404


@dataclass
class ProvisionReport:
    """What one run changed, or would change in a dry run; empty when the server matched.

    `details` holds, per updated item, the managed fields that differed (current → desired):
    the drift someone made by hand in the admin console.
    """

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    details: dict[str, list[str]] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def __str__(self) -> str:
        create, update = (
            ("would create", "would update") if self.dry_run else ("created", "updated")
        )
        lines = [f"{create} {item}" for item in self.created]
        for item in self.updated:
            lines.append(f"{update} {item}")
            lines += [f"    {change}" for change in self.details.get(item, [])]
        return "\n".join(lines) or "no changes"

    def update(self, item: str, current: object, desired: object) -> None:
        self.updated.append(item)
        self.details[item] = differences(current, desired)


class Reconciler:
    def __init__(
        self, *, admin: KeycloakAdmin, server_url: str, spec: RealmSpec, dry_run: bool = False
    ) -> None:
        self.admin = admin
        self.server_url = server_url.rstrip("/")
        self.spec = spec
        self.dry_run = dry_run  # read everything, write nothing, report what would change
        self.report = ProvisionReport(dry_run=dry_run)
        self.group_ids: dict[str, str] = {}
        self.realm_missing = False  # dry run against a server without the realm yet

    def realm(self) -> None:
        desired = self.spec.representation()
        try:
            current = self.admin.get_realm(self.spec.name)
        except KeycloakGetError as exc:
            if exc.response_code != HTTP_NOT_FOUND:
                raise
            self.report.created.append(f"realm {self.spec.name}")
            if self.dry_run:
                self.realm_missing = True
                return
            self.admin.create_realm(desired)
        else:
            if differs(current, desired):
                self.report.update(f"realm {self.spec.name}", current, desired)
                if not self.dry_run:
                    self.admin.update_realm(self.spec.name, desired)
        self.admin.change_current_realm(self.spec.name)

    def roles(self) -> None:
        current = {r["name"]: r for r in self.admin.get_realm_roles(brief_representation=False)}
        for name, description in self.spec.roles.items():
            desired = {"name": name, "description": description}
            if name not in current:
                self.report.created.append(f"role {name}")
                if not self.dry_run:
                    self.admin.create_realm_role(desired)
            elif differs(current[name], desired):
                self.report.update(f"role {name}", current[name], desired)
                if not self.dry_run:
                    self.admin.update_realm_role(name, desired)

    def groups(self) -> None:
        for path, group in self.spec.walk_groups():
            desired = group.representation()
            current = self._group_by_path(path)
            if current is None:
                self.report.created.append(f"group {path}")
                if self.dry_run:
                    continue
                parent_id = self.group_ids.get(path.rsplit("/", 1)[0])
                group_id = self.admin.create_group(desired, parent=parent_id)
                assert group_id is not None  # Keycloak answers 201 with a Location header
                self.group_ids[path] = group_id
                continue
            self.group_ids[path] = current["id"]
            if differs(current, desired):
                self.report.update(f"group {path}", current, desired)
                if not self.dry_run:
                    self.admin.update_group(current["id"], desired)

    def downstream_clients(self) -> None:
        for client in self.spec.downstream:
            desired = client.representation()
            client_uuid = self.admin.get_client_id(client.client_id)
            if client_uuid is None:
                self.report.created.append(f"client {client.client_id}")
                if not self.dry_run:
                    self.admin.create_client(desired)
                continue
            current = self.admin.get_client(client_uuid)
            if differs(current, desired):
                self.report.update(f"client {client.client_id}", current, desired)
                if not self.dry_run:
                    self.admin.update_client(client_uuid, desired)

    def client(self) -> None:
        client = self.spec.client
        desired = client.representation()
        client_uuid = self.admin.get_client_id(client.client_id)
        if client_uuid is None:
            self.report.created.append(f"client {client.client_id}")
            if self.dry_run:
                self.report.created += [
                    f"mapper {client.client_id}/{m['name']}"
                    for m in client.mapper_representations()
                ]
                return
            client_uuid = self.admin.create_client(desired)
        else:
            current = self.admin.get_client(client_uuid)
            if differs(current, desired):
                self.report.update(f"client {client.client_id}", current, desired)
                if not self.dry_run:
                    self.admin.update_client(client_uuid, desired)
        self._mappers(client_uuid)

    def users(self) -> None:
        for user in self.spec.users:
            user_id = self.admin.get_user_id(user.username)
            if user_id is None:
                self.report.created.append(f"user {user.username}")
                if self.dry_run:
                    continue
                user_id = self.admin.create_user(_with_password(user))
            else:
                current = self.admin.get_user(user_id)
                if differs(current, user.representation()):
                    self.report.update(f"user {user.username}", current, user.representation())
                    if not self.dry_run:
                        self.admin.update_user(user_id, user.representation())
                if not self._password_works(user):
                    # The check was a failed login to brute-force detection: take it back, or
                    # a few runs in a row would lock the demo user out.
                    self.admin.clear_bruteforce_attempts_for_user(user_id)
                    self.report.updated.append(f"user {user.username} password")
                    if not self.dry_run:
                        self.admin.set_user_password(user_id, user.password, temporary=False)
            self._memberships(user_id, user)
            self._role_mappings(user_id, user)

    def _mappers(self, client_uuid: str) -> None:
        current = {m["name"]: m for m in self.admin.get_mappers_from_client(client_uuid)}
        label = self.spec.client.client_id
        for desired in self.spec.client.mapper_representations():
            existing = current.get(desired["name"])
            if existing is None:
                self.report.created.append(f"mapper {label}/{desired['name']}")
                if not self.dry_run:
                    self.admin.add_mapper_to_client(client_uuid, desired)
            elif differs(existing, desired):
                self.report.update(f"mapper {label}/{desired['name']}", existing, desired)
                if not self.dry_run:
                    payload = {**desired, "id": existing["id"]}  # Keycloak wants the id in it
                    self.admin.update_client_mapper(client_uuid, existing["id"], payload)

    def _memberships(self, user_id: str, user: DemoUser) -> None:
        current = {g["path"]: g["id"] for g in self.admin.get_user_groups(user_id)}
        for path in sorted(set(user.group_paths) - current.keys()):
            self.report.updated.append(f"user {user.username} joined {path}")
            if not self.dry_run:
                self.admin.group_user_add(user_id, self.group_ids[path])
        for path in sorted(current.keys() - set(user.group_paths)):
            self.report.updated.append(f"user {user.username} left {path}")
            if not self.dry_run:
                self.admin.group_user_remove(user_id, current[path])

    def _role_mappings(self, user_id: str, user: DemoUser) -> None:
        # Only our roles are managed; Keycloak's default-roles-* composite stays as it is.
        held = {r["name"] for r in self.admin.get_realm_roles_of_user(user_id)}
        held &= self.spec.roles.keys()
        grant, revoke = sorted(set(user.roles) - held), sorted(held - set(user.roles))
        if grant:
            self.report.updated.append(f"user {user.username} granted {', '.join(grant)}")
            if not self.dry_run:
                self.admin.assign_realm_roles(user_id, self._roles(grant))
        if revoke:
            self.report.updated.append(f"user {user.username} revoked {', '.join(revoke)}")
            if not self.dry_run:
                self.admin.delete_realm_roles_of_user(user_id, self._roles(revoke))

    def everything_missing(self) -> None:
        """Dry run against a server without the realm: all of it would be created."""
        self.report.created += [f"role {name}" for name in self.spec.roles]
        self.report.created += [f"group {path}" for path, _ in self.spec.walk_groups()]
        client = self.spec.client
        self.report.created += [f"client {d.client_id}" for d in self.spec.downstream]
        self.report.created.append(f"client {client.client_id}")
        self.report.created += [
            f"mapper {client.client_id}/{m['name']}" for m in client.mapper_representations()
        ]
        self.report.created += [f"user {user.username}" for user in self.spec.users]

    def _roles(self, names: list[str]) -> list[Representation]:
        return [self.admin.get_realm_role(name) for name in names]

    def _group_by_path(self, path: str) -> Representation | None:
        try:
            return self.admin.get_group_by_path(path)
        except KeycloakGetError as exc:
            if exc.response_code == HTTP_NOT_FOUND:
                return None
            raise

    def _password_works(self, user: DemoUser) -> bool:
        # Passwords cannot be read back, so try one: `admin-cli` exists in every realm as a
        # public client that allows the password grant. Resetting only on failure keeps a
        # second run free of changes.
        response = httpx.post(
            f"{self.server_url}/realms/{self.spec.name}/protocol/openid-connect/token",
            data={
                "grant_type": "password",
                "client_id": "admin-cli",
                "username": user.username,
                "password": user.password,
            },
            timeout=30.0,
        )
        return response.status_code == httpx.codes.OK


def _with_password(user: DemoUser) -> Representation:
    credential = {"type": "password", "value": user.password, "temporary": False}
    return {**user.representation(), "credentials": [credential]}
