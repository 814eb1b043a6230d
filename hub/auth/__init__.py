"""Portal login through Keycloak, server-side sessions, and who the caller is."""

from hub.auth._oidc import OidcClient
from hub.auth._sessions import (
    COOKIE,
    close_session,
    end_sessions_of,
    load_session,
    open_session,
    refresh_if_due,
)

__all__ = [
    "COOKIE",
    "OidcClient",
    "close_session",
    "end_sessions_of",
    "load_session",
    "open_session",
    "refresh_if_due",
]
