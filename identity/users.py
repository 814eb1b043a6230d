"""Users and their community from the roster a street keeps (.xlsx or .csv), into Keycloak.

    python -m identity import-users 花名册.xlsx                 # what would change; nothing does
    python -m identity import-users 花名册.xlsx --apply --passwords-out 初始密码.csv

Columns (header names as offices write them): 用户名, 姓名, 角色 (one or more of the realm's
roles, Chinese or English, separated by spaces, commas or 、), 所属单位 (a community, street or
district: its name as in the realm's groups, or its code). A new user gets a random temporary
password that Keycloak makes her change at first login; the passwords go to a separate file for
the administrator to hand out, never to the screen. An existing user keeps her password: her
name, roles and unit are brought in line with the roster. Users not on the roster are left alone.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
import string
from dataclasses import dataclass, field
from pathlib import Path

from keycloak import KeycloakAdmin

from hub.errors import InvalidInput
from identity.realm import COMMUNITY_CODE, REGION_CODE, ROLES, RealmSpec

#: Role names as a roster may write them.
ROLE_WORDS = {
    "社区工作者": "worker",
    "社区工作人员": "worker",
    "社区管理员": "community_admin",
    "街道查看": "street_viewer",
    "区级查看": "district_viewer",
    "数据下发": "requester",
    "信息化管理员": "it_admin",
    "IT管理员": "it_admin",
    "运维人员": "operator",
} | {role: role for role in ROLES}
_HEADERS = {"username": "用户名", "name": "姓名", "roles": "角色", "unit": "所属单位"}
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
_SPLIT = re.compile(r"[\s,，、;；]+")


@dataclass(frozen=True)
class RosterUser:
    row: int
    username: str
    last_name: str  # 姓, shown first: Keycloak's name claim is "firstName lastName"
    first_name: str
    roles: tuple[str, ...]
    group_path: str


@dataclass
class RosterReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    applied: bool = False
    passwords: dict[str, str] = field(default_factory=dict, repr=False)

    def __str__(self) -> str:
        verb = ("created", "updated") if self.applied else ("would create", "would update")
        lines = [f"{verb[0]} user {item}" for item in self.created]
        lines += [f"{verb[1]} user {item}" for item in self.updated]
        lines.append(f"{len(self.unchanged)} user(s) already as on the roster")
        return "\n".join(lines)


def read_roster(data: bytes, filename: str, spec: RealmSpec) -> list[RosterUser]:
    """The roster's users, checked against the realm; every bad row is reported at once."""
    from hub.store import imports  # the ledger reader: .xlsx, UTF-8 or GBK .csv

    table = imports.read_table(data, filename)
    missing = [title for title in _HEADERS.values() if title not in table.headers]
    if missing:
        raise InvalidInput("roster columns", user_message=f"花名册缺少列：{'、'.join(missing)}")
    units = _units(spec)
    users, errors, seen = [], [], set()
    for number, cells in table.rows:
        values = dict(zip(table.headers, cells, strict=False))
        try:
            user = _user(number, values, units)
        except ValueError as exc:
            errors.append(f"第{number}行：{exc}")
            continue
        if user.username in seen:
            errors.append(f"第{number}行：用户名 {user.username} 重复")
            continue
        seen.add(user.username)
        users.append(user)
    if errors:
        raise InvalidInput("roster rows", user_message="\n".join(errors))
    return users


def import_roster(
    admin: KeycloakAdmin, spec: RealmSpec, users: list[RosterUser], *, apply: bool
) -> RosterReport:
    """Create or update each roster user in the realm (admin must be switched to it)."""
    report = RosterReport(applied=apply)
    for user in users:
        user_id = admin.get_user_id(user.username)
        if user_id is None:
            report.created.append(f"{user.username}（{user.group_path}，{' '.join(user.roles)}）")
            if apply:
                report.passwords[user.username] = _temporary_password()
                user_id = admin.create_user(_representation(user, report.passwords))
                _sync_membership(admin, spec, user_id, user, apply=True)
            continue
        changes = _sync_membership(admin, spec, user_id, user, apply=apply)
        current = admin.get_user(user_id)
        names = {"firstName": user.first_name, "lastName": user.last_name}
        if any(current.get(key) != value for key, value in names.items()):
            changes.append("姓名")
            if apply:
                admin.update_user(user_id, names)
        if changes:
            report.updated.append(f"{user.username}：{'、'.join(changes)}")
        else:
            report.unchanged.append(user.username)
    return report


def write_passwords(report: RosterReport, path: Path) -> None:
    """The new users' temporary passwords, for the administrator to hand out (then delete)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["用户名", "初始密码（首次登录须修改）"])
    writer.writerows(sorted(report.passwords.items()))
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")
    path.chmod(0o600)


def _user(number: int, values: dict[str, str], units: dict[str, str]) -> RosterUser:
    username = values[_HEADERS["username"]].strip().lower()
    if not _USERNAME.fullmatch(username):
        raise ValueError("用户名应为3-40位小写字母、数字或 . _ -，以字母或数字开头")
    name = values[_HEADERS["name"]].strip()
    if not 2 <= len(name) <= 20:
        raise ValueError("姓名应为2-20个字")
    words = [w for w in _SPLIT.split(values[_HEADERS["roles"]].strip()) if w]
    unknown = [w for w in words if w not in ROLE_WORDS]
    if not words or unknown:
        raise ValueError(f"角色无效：{'、'.join(unknown) or '未填写'}")
    unit = values[_HEADERS["unit"]].strip()
    if unit not in units:
        raise ValueError(f"所属单位“{unit}”不在组织架构中")
    roles = tuple(sorted({ROLE_WORDS[w] for w in words}))
    # 复姓 (欧阳, 司马…) are rare enough on rosters that the first character is taken as 姓.
    return RosterUser(number, username, name[0], name[1:], roles, units[unit])


def _units(spec: RealmSpec) -> dict[str, str]:
    """Unit name or code -> group path, for every group of the realm."""
    found: dict[str, str] = {}
    for path, group in spec.walk_groups():
        found.setdefault(group.name, path)
        for attribute in (COMMUNITY_CODE, REGION_CODE):
            if attribute in group.attributes:
                found[group.attributes[attribute]] = path
    return found


def _sync_membership(
    admin: KeycloakAdmin,
    spec: RealmSpec,
    user_id: str,
    user: RosterUser,
    *,
    apply: bool,
) -> list[str]:
    """What differs in her unit and roles (names of the changes); changed when apply."""
    changes = []
    groups = {g["path"]: g["id"] for g in admin.get_user_groups(user_id)}
    if set(groups) != {user.group_path}:
        changes.append("所属单位")
        if apply:
            for group_id in groups.values():
                admin.group_user_remove(user_id, group_id)
            admin.group_user_add(user_id, admin.get_group_by_path(user.group_path)["id"])
    held = {r["name"] for r in admin.get_realm_roles_of_user(user_id)} & spec.roles.keys()
    if held != set(user.roles):
        changes.append("角色")
        if apply:
            grant = [admin.get_realm_role(n) for n in sorted(set(user.roles) - held)]
            revoke = [admin.get_realm_role(n) for n in sorted(held - set(user.roles))]
            if grant:
                admin.assign_realm_roles(user_id, grant)
            if revoke:
                admin.delete_realm_roles_of_user(user_id, revoke)
    return changes


def _representation(user: RosterUser, passwords: dict[str, str]) -> dict[str, object]:
    return {
        "username": user.username,
        "enabled": True,
        "firstName": user.first_name,
        "lastName": user.last_name,
        "credentials": [{"type": "password", "value": passwords[user.username], "temporary": True}],
        "requiredActions": ["UPDATE_PASSWORD"],
    }


def _temporary_password() -> str:
    """12 characters meeting the realm's password policy (upper, lower, digit, symbol)."""
    alphabet = string.ascii_letters + string.digits
    body = [secrets.choice(alphabet) for _ in range(8)]
    parts = [
        secrets.choice(string.ascii_uppercase),
        secrets.choice(string.ascii_lowercase),
        secrets.choice(string.digits),
        secrets.choice("!@#%^*-_+="),
    ]
    chars = body + parts
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)
