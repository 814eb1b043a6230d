"""Log in through Keycloak's real login page, as a browser would, without a browser.

Authorization code + PKCE (S256): GET the authorization URL, POST the credentials to the login
form's action, take the `code` from the redirect to the hub without following it, exchange it.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx


class LoginRejected(Exception):
    """Keycloak did not redirect back with a code (wrong password, disabled user, …)."""


def login_with_password(
    *,
    keycloak_url: str,
    realm: str,
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    username: str,
    password: str,
) -> dict[str, Any]:
    """Return Keycloak's token response (access_token, id_token, refresh_token, …)."""
    oidc = f"{keycloak_url.rstrip('/')}/realms/{realm}/protocol/openid-connect"
    verifier = secrets.token_urlsafe(48)
    state = secrets.token_urlsafe(16)
    with httpx.Client(timeout=30.0, follow_redirects=False) as client:
        page = client.get(
            f"{oidc}/auth",
            params={
                "client_id": client_id,
                "response_type": "code",
                "scope": "openid",
                "redirect_uri": redirect_uri,
                "state": state,
                "nonce": secrets.token_urlsafe(16),
                "code_challenge": _challenge(verifier),
                "code_challenge_method": "S256",
            },
        )
        page.raise_for_status()
        answer = client.post(
            _login_form_action(page.text),
            data={"username": username, "password": password, "credentialId": ""},
            headers={"Cookie": _cookie_header(page)},
        )
        code = _code_from_redirect(answer, redirect_uri=redirect_uri, state=state)
        tokens = client.post(
            f"{oidc}/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "client_id": client_id,
                "client_secret": client_secret,
                "code_verifier": verifier,
            },
        )
        tokens.raise_for_status()
        result: dict[str, Any] = tokens.json()
        return result


def _cookie_header(response: httpx.Response) -> str:
    # Keycloak 26 marks its login cookies `Secure` even on http://127.0.0.1 (browsers treat
    # loopback as a secure context); Python's cookie jar will not send them over plain http, so
    # they are passed back by hand, verbatim (KC_AUTH_SESSION_HASH is quoted).
    pairs = (header.split(";", 1)[0] for header in response.headers.get_list("set-cookie"))
    return "; ".join(pair.strip() for pair in pairs)


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _code_from_redirect(answer: httpx.Response, *, redirect_uri: str, state: str) -> str:
    location = answer.headers.get("location", "")
    if not (answer.is_redirect and location.startswith(redirect_uri)):
        raise LoginRejected(f"HTTP {answer.status_code}: {_page_error(answer.text)}")
    query = parse_qs(urlsplit(location).query)
    if query.get("state") != [state]:
        raise LoginRejected(f"state mismatch in {location}")
    if "code" not in query:
        raise LoginRejected(f"no code in {location}")
    return query["code"][0]


class _FormFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.error_parts: list[str] = []
        self._in_error = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form" and found.get("id") == "kc-form-login":
            self.action = found.get("action")
        # The keycloak.v2 theme shows login errors in elements with these ids.
        if found.get("id") in {"input-error", "input-error-username", "kc-error-message"}:
            self._in_error = True

    def handle_data(self, data: str) -> None:
        if self._in_error and data.strip():
            self.error_parts.append(data.strip())
            self._in_error = False


def _login_form_action(page: str) -> str:
    finder = _FormFinder()
    finder.feed(page)
    if not finder.action:
        raise LoginRejected(f"no login form on the page: {_page_error(page)}")
    return finder.action  # HTMLParser has already unescaped the attribute


def _page_error(page: str) -> str:
    finder = _FormFinder()
    finder.feed(page)
    return " ".join(finder.error_parts) or page[:300]
