"""Portal login through Keycloak, server-side sessions, and who the caller is."""

from hub.auth._oidc import OidcClient
from hub.auth._sessions import COOKIE, close_session, load_session, open_session

__all__ = ["COOKIE", "OidcClient", "close_session", "load_session", "open_session"]
