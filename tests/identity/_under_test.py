"""The Keycloak the identity tests run against, and how to provision it."""

from __future__ import annotations

from dataclasses import dataclass

from identity import ProvisionReport, provision
from identity.realm import DownstreamClient

HUB_URL = "http://127.0.0.1:8000"  # nothing listens there: the login stops at the redirect
SOCIAL = DownstreamClient(
    client_id="social-assistance",
    name="江苏省民政厅社会救助系统",
    base_url="http://127.0.0.1:8103",
    secret="test-social-assistance-secret",
)


@dataclass(frozen=True)
class KeycloakUnderTest:
    url: str
    admin_user: str
    admin_password: str
    client_secret: str
    demo_password: str
    realm: str = "community"
    client_id: str = "hub-portal"

    @property
    def issuer(self) -> str:
        return f"{self.url}/realms/{self.realm}"

    @property
    def redirect_uri(self) -> str:
        return f"{HUB_URL}/auth/callback"

    def provision(self, *, dry_run: bool = False) -> ProvisionReport:
        return provision(
            server_url=self.url,
            admin_user=self.admin_user,
            admin_password=self.admin_password,
            hub_url=HUB_URL,
            client_secret=self.client_secret,
            demo_password=self.demo_password,
            dry_run=dry_run,
            downstream=(SOCIAL,),
        )
