"""Portal login through Keycloak, server-side sessions, and who the caller is."""

from hub.auth._oidc import ExchangedToken, OidcClient
from hub.auth._sessions import (
    COOKIE,
    access_token_of,
    close_session,
    end_sessions_of,
    load_session,
    open_session,
    refresh_if_due,
)

__all__ = [
    "COOKIE",
    "access_token_of",
    "ExchangedToken",
    "OidcClient",
    "close_session",
    "end_sessions_of",
    "load_session",
    "open_session",
    "refresh_if_due",
]
