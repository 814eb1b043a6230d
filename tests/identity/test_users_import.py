"""Users and their unit from a street's roster: checked row by row, then into a real Keycloak."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import httpx
import openpyxl
import pytest
from keycloak import KeycloakAdmin

from hub.errors import InvalidInput
from identity.realm import community_realm
from identity.users import import_roster, read_roster, write_passwords
from tests.identity._under_test import HUB_URL, KeycloakUnderTest

SPEC = community_realm(hub_url=HUB_URL, client_secret="x", demo_password="Demo-2026!")
HEADER = ["用户名", "姓名", "角色", "所属单位"]


def _csv(*rows: list[str], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *rows])
    return buffer.getvalue().encode(encoding)


def _xlsx(*rows: list[str]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [HEADER, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_roster_rows_become_users_with_roles_and_group_paths() -> None:
    users = read_roster(
        _xlsx(
            ["yuqi-zhaomin", "赵敏", "社区工作者", "玉祁社区"],
            ["ruixing-admin", "孙丽", "worker、社区管理员", "320206104002"],
            ["yuqi-street", "钱涛", "街道查看", "玉祁街道"],
        ),
        "花名册.xlsx",
        SPEC,
    )
    assert [(u.username, u.last_name, u.first_name, u.roles, u.group_path) for u in users] == [
        ("yuqi-zhaomin", "赵", "敏", ("worker",), "/无锡市/惠山区/玉祁街道/玉祁社区"),
        (
            "ruixing-admin",
            "孙",
            "丽",
            ("community_admin", "worker"),
            "/无锡市/惠山区/玉祁街道/瑞星社区",
        ),
        ("yuqi-street", "钱", "涛", ("street_viewer",), "/无锡市/惠山区/玉祁街道"),
    ]


def test_a_gbk_csv_roster_is_read() -> None:
    users = read_roster(
        _csv(["yuqi-zhaomin", "赵敏", "社区工作者", "玉祁社区"], encoding="gbk"), "花名册.csv", SPEC
    )
    assert users[0].group_path.endswith("玉祁社区")


def test_every_bad_row_is_reported_with_its_number_and_nothing_is_read() -> None:
    with pytest.raises(InvalidInput) as refused:
        read_roster(
            _csv(
                ["Yuqi Zhao", "赵敏", "社区工作者", "玉祁社区"],
                ["yuqi-li", "李", "社区工作者", "玉祁社区"],
                ["yuqi-wu", "吴刚", "村长", "玉祁社区"],
                ["yuqi-zheng", "郑洁", "社区工作者", "火星社区"],
                ["yuqi-ok", "周平", "社区工作者", "玉祁社区"],
                ["yuqi-ok", "周平", "社区工作者", "玉祁社区"],
            ),
            "花名册.csv",
            SPEC,
        )
    message = refused.value.user_message
    assert "第2行：用户名应为" in message
    assert "第3行：姓名应为2-20个字" in message
    assert "第4行：角色无效：村长" in message
    assert "第5行：所属单位“火星社区”不在组织架构中" in message
    assert "第7行：用户名 yuqi-ok 重复" in message
    assert "第6行" not in message


def test_a_roster_without_the_columns_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        read_roster("账号,名字\nx,y\n".encode(), "花名册.csv", SPEC)
    assert refused.value.user_message == "花名册缺少列：用户名、姓名、角色、所属单位"


@pytest.mark.e2e
def test_import_creates_users_who_must_change_the_password_then_changes_nothing(
    realm: KeycloakUnderTest, tmp_path: Path
) -> None:
    admin = KeycloakAdmin(
        server_url=realm.url,
        username=realm.admin_user,
        password=realm.admin_password,
        realm_name="master",
        user_realm_name="master",
    )
    admin.change_current_realm(realm.realm)
    roster = [
        ["roster-zhaomin", "赵敏", "社区工作者", "玉祁社区"],
        ["roster-sunli", "孙丽", "社区管理员 社区工作者", "瑞星社区"],
    ]
    users = read_roster(_csv(*roster), "花名册.csv", SPEC)

    plan = import_roster(admin, SPEC, users, apply=False)
    assert len(plan.created) == 2 and admin.get_user_id("roster-zhaomin") is None

    report = import_roster(admin, SPEC, users, apply=True)
    write_passwords(report, tmp_path / "初始密码.csv")

    user_id = admin.get_user_id("roster-zhaomin")
    assert user_id is not None
    assert [g["path"] for g in admin.get_user_groups(user_id)] == [
        "/无锡市/惠山区/玉祁街道/玉祁社区"
    ]
    assert "worker" in {r["name"] for r in admin.get_realm_roles_of_user(user_id)}
    assert admin.get_user(user_id)["requiredActions"] == ["UPDATE_PASSWORD"]
    passwords = dict(csv.reader(io.StringIO((tmp_path / "初始密码.csv").read_text("utf-8-sig"))))
    assert set(passwords) == {"用户名", "roster-zhaomin", "roster-sunli"}
    assert (tmp_path / "初始密码.csv").stat().st_mode & 0o077 == 0
    # The temporary password works, but only to set a new one: no token until she does.
    answer = httpx.post(
        f"{realm.issuer}/protocol/openid-connect/token",
        data={
            "grant_type": "password",
            "client_id": "admin-cli",
            "username": "roster-zhaomin",
            "password": passwords["roster-zhaomin"],
        },
        timeout=30,
    )
    assert answer.status_code == 400 and "not fully set up" in answer.text

    again = import_roster(admin, SPEC, users, apply=True)
    assert (again.created, again.updated) == ([], [])
    assert again.passwords == {}

    moved = read_roster(
        _csv(["roster-zhaomin", "赵敏", "社区工作者", "瑞星社区"]), "花名册.csv", SPEC
    )
    changed = import_roster(admin, SPEC, moved, apply=True)
    assert changed.updated == ["roster-zhaomin：所属单位"]
    assert [g["path"] for g in admin.get_user_groups(user_id)] == [
        "/无锡市/惠山区/玉祁街道/瑞星社区"
    ]
