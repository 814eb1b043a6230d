"""Single sign-on: the Keycloak realm as code, and local validation of its access tokens."""

from identity.provision import ProvisionReport, downstream_clients, provision
from identity.tokens import InvalidToken, Principal, SigningKeysUnavailable, TokenValidator

__all__ = [
    "InvalidToken",
    "Principal",
    "ProvisionReport",
    "downstream_clients",
    "SigningKeysUnavailable",
    "TokenValidator",
    "provision",
]
