"""The realm as data: internal consistency, and the security settings of the portal client."""

from __future__ import annotations

from identity._diff import differs
from identity.realm import COMMUNITY_CODE, community_realm

SPEC = community_realm(hub_url="http://127.0.0.1:8000/", client_secret="secret", demo_password="pw")


def test_every_demo_user_refers_to_declared_roles_and_groups() -> None:
    paths = {path for path, _ in SPEC.walk_groups()}

    for user in SPEC.users:
        assert set(user.roles) <= SPEC.roles.keys(), user.username
        assert set(user.group_paths) <= paths, user.username


def test_each_community_group_has_its_own_code() -> None:
    codes = {
        path.rsplit("/", 1)[1]: group.attributes[COMMUNITY_CODE]
        for path, group in SPEC.walk_groups()
        if COMMUNITY_CODE in group.attributes
    }

    assert codes == {"玉祁社区": "320206104001", "瑞星社区": "320206104002"}


def test_groups_are_listed_parents_first() -> None:
    seen: set[str] = set()
    for path, _ in SPEC.walk_groups():
        parent = path.rsplit("/", 1)[0]
        assert parent == "" or parent in seen, path
        seen.add(path)


def test_portal_client_allows_only_code_flow_with_pkce() -> None:
    client = SPEC.client.representation()

    assert client["standardFlowEnabled"] is True
    assert client["implicitFlowEnabled"] is False
    assert client["directAccessGrantsEnabled"] is False
    assert client["publicClient"] is False
    assert client["attributes"]["pkce.code.challenge.method"] == "S256"
    # The trailing slash of hub_url must not leak into an exact-match redirect URI.
    assert client["redirectUris"] == ["http://127.0.0.1:8000/auth/callback"]


def test_demo_users_need_no_action_at_first_login() -> None:
    for user in SPEC.users:
        rep = user.representation()
        assert rep["requiredActions"] == []
        assert rep["emailVerified"] is True
        assert rep["firstName"] and rep["lastName"] and rep["email"]


def test_secrets_stay_out_of_reprs() -> None:
    assert "secret" not in repr(SPEC.client)
    assert "pw" not in repr(SPEC.users[0])


def test_differs_ignores_fields_keycloak_adds_and_list_order() -> None:
    current = {"id": "1", "redirectUris": ["b", "a"], "attributes": {"x": "1", "extra": "2"}}

    assert not differs(current, {"redirectUris": ["a", "b"], "attributes": {"x": "1"}})
    assert differs(current, {"attributes": {"x": "2"}})
    assert differs(current, {"redirectUris": ["a"]})
    assert differs(current, {"enabled": False})
