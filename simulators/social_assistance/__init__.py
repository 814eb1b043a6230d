"""Simulated 江苏省民政厅 社会救助信息管理系统: 最低生活保障 (低保) applications, behind Keycloak.

It has no log-in form of its own. People arrive through Keycloak (OpenID Connect, authorization
code with PKCE) and get a server-side session; robots send `Authorization: Bearer <token>` with
an access token Keycloak issued for this system (token exchange) and need no session. Tests read
what arrived at /_sim/records.
"""

from simulators.social_assistance._app import create_app

__all__ = ["create_app"]
