"""Bring one realm in line with a `RealmSpec`: create what is missing, update what differs.

Each step reads before it writes, so a second run against an unchanged server only reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
from keycloak import KeycloakAdmin, KeycloakGetError

from identity._diff import differs
from identity.realm import DemoUser, RealmSpec, Representation

HTTP_NOT_FOUND = 404


@dataclass
class ProvisionReport:
    """What one provisioning run changed; empty when the server already matched the spec."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def __str__(self) -> str:
        lines = [f"created {item}" for item in self.created]
        lines += [f"updated {item}" for item in self.updated]
        return "\n".join(lines) or "no changes"


class Reconciler:
    def __init__(self, *, admin: KeycloakAdmin, server_url: str, spec: RealmSpec) -> None:
        self.admin = admin
        self.server_url = server_url.rstrip("/")
        self.spec = spec
        self.report = ProvisionReport()
        self.group_ids: dict[str, str] = {}

    def realm(self) -> None:
        desired = self.spec.representation()
        try:
            current = self.admin.get_realm(self.spec.name)
        except KeycloakGetError as exc:
            if exc.response_code != HTTP_NOT_FOUND:
                raise
            self.admin.create_realm(desired)
            self.report.created.append(f"realm {self.spec.name}")
        else:
            if differs(current, desired):
                self.admin.update_realm(self.spec.name, desired)
                self.report.updated.append(f"realm {self.spec.name}")
        self.admin.change_current_realm(self.spec.name)

    def roles(self) -> None:
        current = {r["name"]: r for r in self.admin.get_realm_roles(brief_representation=False)}
        for name, description in self.spec.roles.items():
            desired = {"name": name, "description": description}
            if name not in current:
                self.admin.create_realm_role(desired)
                self.report.created.append(f"role {name}")
            elif differs(current[name], desired):
                self.admin.update_realm_role(name, desired)
                self.report.updated.append(f"role {name}")

    def groups(self) -> None:
        for path, group in self.spec.walk_groups():
            desired = group.representation()
            current = self._group_by_path(path)
            if current is None:
                parent_id = self.group_ids.get(path.rsplit("/", 1)[0])
                group_id = self.admin.create_group(desired, parent=parent_id)
                assert group_id is not None  # Keycloak answers 201 with a Location header
                self.group_ids[path] = group_id
                self.report.created.append(f"group {path}")
                continue
            self.group_ids[path] = current["id"]
            if differs(current, desired):
                self.admin.update_group(current["id"], desired)
                self.report.updated.append(f"group {path}")

    def client(self) -> None:
        client = self.spec.client
        desired = client.representation()
        client_uuid = self.admin.get_client_id(client.client_id)
        if client_uuid is None:
            client_uuid = self.admin.create_client(desired)
            self.report.created.append(f"client {client.client_id}")
        elif differs(self.admin.get_client(client_uuid), desired):
            self.admin.update_client(client_uuid, desired)
            self.report.updated.append(f"client {client.client_id}")
        self._mappers(client_uuid)

    def users(self) -> None:
        for user in self.spec.users:
            user_id = self.admin.get_user_id(user.username)
            if user_id is None:
                user_id = self.admin.create_user(_with_password(user))
                self.report.created.append(f"user {user.username}")
            else:
                if differs(self.admin.get_user(user_id), user.representation()):
                    self.admin.update_user(user_id, user.representation())
                    self.report.updated.append(f"user {user.username}")
                if not self._password_works(user):
                    self.admin.set_user_password(user_id, user.password, temporary=False)
                    self.report.updated.append(f"user {user.username} password")
            self._memberships(user_id, user)
            self._role_mappings(user_id, user)

    def _mappers(self, client_uuid: str) -> None:
        current = {m["name"]: m for m in self.admin.get_mappers_from_client(client_uuid)}
        label = self.spec.client.client_id
        for desired in self.spec.client.mapper_representations():
            existing = current.get(desired["name"])
            if existing is None:
                self.admin.add_mapper_to_client(client_uuid, desired)
                self.report.created.append(f"mapper {label}/{desired['name']}")
            elif differs(existing, desired):
                payload = {**desired, "id": existing["id"]}  # Keycloak wants the id in the body
                self.admin.update_client_mapper(client_uuid, existing["id"], payload)
                self.report.updated.append(f"mapper {label}/{desired['name']}")

    def _memberships(self, user_id: str, user: DemoUser) -> None:
        current = {g["path"]: g["id"] for g in self.admin.get_user_groups(user_id)}
        for path in sorted(set(user.group_paths) - current.keys()):
            self.admin.group_user_add(user_id, self.group_ids[path])
            self.report.updated.append(f"user {user.username} joined {path}")
        for path in sorted(current.keys() - set(user.group_paths)):
            self.admin.group_user_remove(user_id, current[path])
            self.report.updated.append(f"user {user.username} left {path}")

    def _role_mappings(self, user_id: str, user: DemoUser) -> None:
        # Only our roles are managed; Keycloak's default-roles-* composite stays as it is.
        held = {r["name"] for r in self.admin.get_realm_roles_of_user(user_id)}
        held &= self.spec.roles.keys()
        grant = [self.admin.get_realm_role(name) for name in sorted(set(user.roles) - held)]
        revoke = [self.admin.get_realm_role(name) for name in sorted(held - set(user.roles))]
        if grant:
            self.admin.assign_realm_roles(user_id, grant)
            self.report.updated.append(f"user {user.username} granted {_names(grant)}")
        if revoke:
            self.admin.delete_realm_roles_of_user(user_id, revoke)
            self.report.updated.append(f"user {user.username} revoked {_names(revoke)}")

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


def _names(roles: list[Representation]) -> str:
    return ", ".join(role["name"] for role in roles)
