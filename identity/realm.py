"""The `community` realm as data: roles, the region hierarchy, the portal client, demo users.

`provision` turns this into Keycloak admin API calls; nothing here talks to Keycloak. The
`*_representation` methods return Keycloak's own JSON shapes (RealmRepresentation, …) holding
only the fields we manage, so provisioning can compare them with what the server has.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

REALM = "community"
HUB_CLIENT_ID = "hub-portal"
COMMUNITY_CODE = "community_code"  # group attribute and token claim
REGION_CODE = "region_code"  # on every level's group; aggregated, so a token lists the chain

ROLES: dict[str, str] = {
    "worker": "社区工作人员：录入并提交本社区居民的申请",
    "community_admin": "社区管理员：管理本社区的人员与数据",
    "street_viewer": "街道查看：只读查看本街道各社区",
    "district_viewer": "区级查看：只读查看本区各街道",
    "requester": "数据下发：向辖区社区下发数据收集表和问卷，查看进度、下载汇总",
    "it_admin": "信息化管理员：维护连接器与机器人",
    "operator": "运维人员：查看运行状态，处理失败任务",
}

Representation = dict[str, Any]


@dataclass(frozen=True)
class Group:
    name: str
    attributes: dict[str, str] = field(default_factory=dict)
    children: tuple[Group, ...] = ()

    def representation(self) -> Representation:
        return {"name": self.name, "attributes": {k: [v] for k, v in self.attributes.items()}}


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    roles: tuple[str, ...]
    group_paths: tuple[str, ...] = ()
    password: str = field(default="", repr=False)

    def representation(self) -> Representation:
        # Everything the default user profile asks for is filled in and verified, and there are
        # no required actions, so the first login goes straight back to the hub.
        return {
            "username": self.username,
            "enabled": True,
            "firstName": self.first_name,
            "lastName": self.last_name,
            "email": f"{self.username}@example.test",
            "emailVerified": True,
            "requiredActions": [],
        }


@dataclass(frozen=True)
class DownstreamClient:
    """A line-department system that trusts the realm (single sign-on): workers open it from
    the portal already logged in, and robots act in it with a token exchanged for her."""

    client_id: str
    name: str
    base_url: str
    secret: str = field(repr=False)

    def representation(self) -> Representation:
        return {
            "clientId": self.client_id,
            "name": self.name,
            "enabled": True,
            "protocol": "openid-connect",
            "publicClient": False,
            "clientAuthenticatorType": "client-secret",
            "secret": self.secret,
            "rootUrl": self.base_url,
            "baseUrl": "/",
            "redirectUris": [f"{self.base_url}/sso/callback"],
            "webOrigins": [self.base_url],
            "standardFlowEnabled": True,
            "implicitFlowEnabled": False,
            "directAccessGrantsEnabled": False,
            "serviceAccountsEnabled": False,
            "attributes": {
                "pkce.code.challenge.method": "S256",
                "post.logout.redirect.uris": f"{self.base_url}/*",
            },
        }


@dataclass(frozen=True)
class PortalClient:
    client_id: str
    hub_url: str
    secret: str = field(repr=False)
    #: Systems the hub may exchange a worker's token for (their client ids).
    exchange_audiences: tuple[str, ...] = ()

    def representation(self) -> Representation:
        return {
            "clientId": self.client_id,
            "name": "社区一表通门户",
            "enabled": True,
            "protocol": "openid-connect",
            "publicClient": False,
            "clientAuthenticatorType": "client-secret",
            "secret": self.secret,
            "rootUrl": self.hub_url,
            "baseUrl": "/",
            "redirectUris": [f"{self.hub_url}/auth/callback"],
            "webOrigins": [self.hub_url],
            # Authorization code with PKCE only: no passwords through the hub, no implicit tokens.
            "standardFlowEnabled": True,
            "implicitFlowEnabled": False,
            "directAccessGrantsEnabled": False,
            "serviceAccountsEnabled": False,
            # Keycloak tells the hub when her single sign-on session ends (logout elsewhere, an
            # admin ending it, idle timeout), so the hub's session ends with it.
            "frontchannelLogout": False,
            "attributes": {
                "pkce.code.challenge.method": "S256",
                "post.logout.redirect.uris": f"{self.hub_url}/*",
                "backchannel.logout.url": f"{self.hub_url}/auth/backchannel-logout",
                "backchannel.logout.session.required": "true",
                "backchannel.logout.revoke.offline.tokens": "false",
                # Standard token exchange (RFC 8693, Keycloak's v2): the hub trades her token for
                # one whose only audience is a downstream system, for the robot acting as her.
                "standard.token.exchange.enabled": "true" if self.exchange_audiences else "false",
            },
        }

    def mapper_representations(self) -> list[Representation]:
        # An audience can only be exchanged for if the hub's own tokens may carry it.
        audiences = [self.client_id, *self.exchange_audiences]
        return [
            _group_attribute_mapper(COMMUNITY_CODE),
            _group_attribute_mapper(REGION_CODE),
            *(_audience_mapper(audience) for audience in audiences),
        ]


#: Keycloak's policy syntax: at least 10 characters with upper- and lower-case letters, a digit
#: and a symbol, and not the user name. (No password history: provisioning resets a demo user's
#: password to the known demo one, which a history rule would refuse.)
PASSWORD_POLICY = (
    "length(10) and upperCase(1) and lowerCase(1) and digits(1) and specialChars(1)"
    " and notUsername(undefined)"
)


@dataclass(frozen=True)
class RealmSpec:
    name: str
    display_name: str
    roles: dict[str, str]
    groups: tuple[Group, ...]
    client: PortalClient
    users: tuple[DemoUser, ...]
    downstream: tuple[DownstreamClient, ...] = ()

    def representation(self) -> Representation:
        return {
            "realm": self.name,
            "enabled": True,
            "displayName": self.display_name,
            "internationalizationEnabled": True,
            "supportedLocales": ["zh-Hans", "en"],  # Keycloak 26 names Simplified Chinese zh-Hans
            "defaultLocale": "zh-Hans",
            "registrationAllowed": False,
            # Brute-force detection: after 5 wrong passwords the account waits 1 minute, doubling
            # up to 15 minutes; a quick burst (under a second apart) locks for 1 minute too. Not
            # permanent, so a forgetful worker is never locked out until someone finds an admin.
            "bruteForceProtected": True,
            "permanentLockout": False,
            "failureFactor": 5,
            "waitIncrementSeconds": 60,
            "maxFailureWaitSeconds": 900,
            "maxDeltaTimeSeconds": 43200,
            "minimumQuickLoginWaitSeconds": 60,
            "quickLoginCheckMilliSeconds": 1000,
            "passwordPolicy": PASSWORD_POLICY,
            # A shared office PC: 30 minutes idle ends the single sign-on session; a working day
            # at most. Access tokens live 5 minutes; the hub refreshes them while she works.
            "ssoSessionIdleTimeout": 1800,
            "ssoSessionMaxLifespan": 36000,
            "accessTokenLifespan": 300,
        }

    def walk_groups(self) -> Iterator[tuple[str, Group]]:
        """Every group with its full path, parents before children."""
        yield from _walk(self.groups, "")


def community_realm(
    *,
    hub_url: str,
    client_secret: str,
    demo_password: str,
    realm: str = REALM,
    client_id: str = HUB_CLIENT_ID,
    downstream: tuple[DownstreamClient, ...] = (),
) -> RealmSpec:
    """The realm the hub expects, with the Wuxi Huishan Yuqi street hierarchy and demo users,
    and a client for each downstream system that trusts it."""
    street = "/无锡市/惠山区/玉祁街道"

    def user(username: str, first: str, last: str, roles: str, *groups: str) -> DemoUser:
        return DemoUser(username, first, last, tuple(roles.split()), groups, demo_password)

    # Keycloak's `name` claim is "firstName lastName"; the surname goes first so it reads 王 丽.
    return RealmSpec(
        name=realm,
        display_name="社区一表通",
        roles=ROLES,
        groups=(_wuxi(),),
        client=PortalClient(
            client_id,
            hub_url.rstrip("/"),
            client_secret,
            exchange_audiences=tuple(d.client_id for d in downstream),
        ),
        downstream=downstream,
        users=(
            user("worker-a", "王", "丽", "worker", f"{street}/玉祁社区"),
            user("worker-b", "李", "强", "worker", f"{street}/瑞星社区"),
            user("admin-a", "陈", "静", "worker community_admin", f"{street}/玉祁社区"),
            user("street-viewer", "周", "涛", "street_viewer requester", street),
            user("district-viewer", "吴", "军", "district_viewer requester", "/无锡市/惠山区"),
            user("it-admin", "张", "伟", "it_admin"),
            user("operator", "赵", "敏", "operator"),
        ),
    )


def _wuxi() -> Group:
    communities = (
        Group("玉祁社区", {COMMUNITY_CODE: "320206104001"}),
        Group("瑞星社区", {COMMUNITY_CODE: "320206104002"}),
    )
    street = Group("玉祁街道", {REGION_CODE: "320206104"}, communities)
    district = Group("惠山区", {REGION_CODE: "320206"}, (street,))
    return Group("无锡市", {REGION_CODE: "3202"}, (district,))


def _walk(groups: tuple[Group, ...], parent_path: str) -> Iterator[tuple[str, Group]]:
    for group in groups:
        path = f"{parent_path}/{group.name}"
        yield path, group
        yield from _walk(group.children, path)


def _group_attribute_mapper(attribute: str) -> Representation:
    # A User Attribute mapper with aggregation looks the attribute up on the user *and* on the
    # user's groups (and their parents), so the code lives once on the community group.
    # Multivalued, because single-valued silently picks one code for a user put into two
    # communities; as a list the ambiguity reaches the validator, which refuses it. For the
    # region code the list is the chain (street, district, city): the validator keeps the most
    # specific.
    return {
        "name": attribute,
        "protocol": "openid-connect",
        "protocolMapper": "oidc-usermodel-attribute-mapper",
        "config": {
            "user.attribute": attribute,
            "claim.name": attribute,
            "jsonType.label": "String",
            "aggregate.attrs": "true",
            "multivalued": "true",
            "id.token.claim": "true",
            "access.token.claim": "true",
            "userinfo.token.claim": "true",
            "introspection.token.claim": "true",
        },
    }


def _audience_mapper(client_id: str) -> Representation:
    return {
        "name": f"audience-{client_id}",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-audience-mapper",
        "config": {
            "included.client.audience": client_id,
            "access.token.claim": "true",
            "id.token.claim": "false",
            "introspection.token.claim": "true",
        },
    }
