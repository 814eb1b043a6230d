"""A person's log-in to the simulated 社会救助 system through Keycloak (authorization code + PKCE).

Keycloak is a small stand-in served over real HTTP: the browser's visit to its login page is
played by the test (grant() hands out a code for a token of our choosing), and its token
endpoint checks the code, the client's secret, the redirect URI and the PKCE verifier the way
Keycloak does.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

from simulators import create_social_assistance_app
from simulators.social_assistance._sessions import LOGIN_LIFETIME_S, PendingLogins
from tests._servers import serve
from tests._tokens import TokenMint
from tests.simulators._pages import error_block

CLIENT_ID, SECRET = "social-assistance", "test-secret"
PUBLIC_URL = "http://127.0.0.1:8103"
REDIRECT_URI = f"{PUBLIC_URL}/sso/callback"
USER, NAME = "worker-a", "王 丽"
Clock = Callable[[], datetime]


class FakeKeycloak:
    """The realm's token endpoint, enough for the authorization-code grant with PKCE."""

    def __init__(self) -> None:
        # code -> (PKCE challenge from the authorization request, access token to hand out)
        self._grants: dict[str, tuple[str, str]] = {}
        self.token_requests: list[dict[str, str]] = []
        self.app = FastAPI()
        self.app.post("/realms/community/protocol/openid-connect/token")(self._token)

    def grant(self, authorization_url: str, access_token: str) -> tuple[str, str]:
        """(code, state): what Keycloak sends the browser back with after she logs in."""
        query = parse_qs(urlsplit(authorization_url).query)
        code = secrets.token_urlsafe(16)
        self._grants[code] = (query["code_challenge"][0], access_token)
        return code, query["state"][0]

    async def _token(self, request: Request) -> JSONResponse:
        form = {name: str(value) for name, value in (await request.form()).items()}
        self.token_requests.append(form)
        challenge, token = self._grants.pop(form.get("code", ""), ("", ""))
        verifier = form.get("code_verifier", "")
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        proven = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii") == challenge
        expected = {"grant_type": "authorization_code", "client_id": CLIENT_ID}
        expected |= {"client_secret": SECRET, "redirect_uri": REDIRECT_URI}
        if not (token and proven and expected.items() <= form.items()):
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        return JSONResponse({"access_token": token, "token_type": "Bearer", "expires_in": 300})


@pytest.fixture
def keycloak() -> Iterator[tuple[FakeKeycloak, str]]:
    """The stand-in and its realm's issuer URL."""
    fake = FakeKeycloak()
    with serve(fake.app) as base_url:
        yield fake, f"{base_url}/realms/community"


@pytest.fixture
def mint(keycloak: tuple[FakeKeycloak, str]) -> TokenMint:
    return TokenMint(issuer=keycloak[1], audience=CLIENT_ID)


@pytest.fixture
def client(
    keycloak: tuple[FakeKeycloak, str], mint: TokenMint, tmp_path: Path, clock: Clock
) -> TestClient:
    app = create_social_assistance_app(
        db_path=tmp_path / "social_assistance.db",
        issuer=keycloak[1],
        client_id=CLIENT_ID,
        client_secret=SECRET,
        public_url=PUBLIC_URL,
        clock=clock,
        jwks_client=mint.jwks_client,
    )
    return TestClient(app, follow_redirects=False)


def _login_token(mint: TokenMint, **claims: object) -> str:
    """What Keycloak returns to our own client: aud "account", azp naming us."""
    claims = {"name": NAME, "aud": "account", "azp": CLIENT_ID, **claims}
    return mint.token(USER, roles=["worker"], claims=claims)


def _log_in(client: TestClient, keycloak: FakeKeycloak, mint: TokenMint, wanted: str = "/") -> str:
    """Ask for wanted, pass through Keycloak; return where the callback sends the browser."""
    code, state = keycloak.grant(client.get(wanted).headers["location"], _login_token(mint))
    response = client.get("/sso/callback", params={"code": code, "state": state})
    assert response.status_code == 303, response.text
    return response.headers["location"]


def test_callback_exchanges_the_code_with_the_verifier_and_lands_on_the_wanted_page(
    client: TestClient, keycloak: tuple[FakeKeycloak, str], mint: TokenMint
) -> None:
    fake = keycloak[0]
    wanted = "/dibao/search?id_number=32020619680412027X"
    code, state = fake.grant(client.get(wanted).headers["location"], _login_token(mint))

    response = client.get("/sso/callback", params={"code": code, "state": state})

    assert (response.status_code, response.headers["location"]) == (303, wanted)
    [request] = fake.token_requests
    assert request["code"] == code and len(request["code_verifier"]) >= 43
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("SHJZSESSIONID=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    page = client.get(wanted)
    assert page.status_code == 200
    assert f'<span id="current-user">{NAME}（{USER}）</span>' in page.text


def test_a_state_is_good_for_one_login_only(
    client: TestClient, keycloak: tuple[FakeKeycloak, str], mint: TokenMint
) -> None:
    fake = keycloak[0]
    code, state = fake.grant(client.get("/").headers["location"], _login_token(mint))
    assert client.get("/sso/callback", params={"code": code, "state": state}).status_code == 303
    client.cookies.clear()
    replay = client.get("/sso/callback", params={"code": code, "state": state})
    assert replay.status_code == 400
    assert "登录请求无效或已过期" in error_block(replay.text)
    assert "set-cookie" not in replay.headers


@pytest.mark.parametrize(
    "params",
    [{"code": "c", "state": "never-issued"}, {"error": "access_denied"}],
    ids=["unknown-state", "cancelled"],
)
def test_callback_without_a_login_we_started_opens_no_session(
    client: TestClient, params: dict[str, str]
) -> None:
    response = client.get("/sso/callback", params=params)
    assert response.status_code == 400
    assert '<a href="/">重新登录</a>' in response.text
    assert client.get("/").status_code == 303


def test_a_code_keycloak_refuses_opens_no_session(client: TestClient) -> None:
    # The state is ours, but Keycloak never issued this code.
    state = parse_qs(urlsplit(client.get("/").headers["location"]).query)["state"][0]
    response = client.get("/sso/callback", params={"code": "forged", "state": state})
    assert response.status_code == 401
    assert "授权码无效或已过期" in error_block(response.text)
    assert client.get("/").status_code == 303


def test_a_login_token_for_another_client_opens_no_session(
    client: TestClient, keycloak: tuple[FakeKeycloak, str], mint: TokenMint
) -> None:
    other = _login_token(mint, azp="community-hub")
    code, state = keycloak[0].grant(client.get("/").headers["location"], other)
    response = client.get("/sso/callback", params={"code": code, "state": state})
    assert response.status_code == 401
    assert "身份令牌无效" in error_block(response.text)
    assert client.get("/").status_code == 303


def test_keycloak_unreachable_during_the_exchange_is_502(tmp_path: Path, clock: Clock) -> None:
    mint = TokenMint(issuer="http://127.0.0.1:1/realms/community", audience=CLIENT_ID)
    app = create_social_assistance_app(
        db_path=tmp_path / "social_assistance.db",
        issuer=mint.issuer,  # nothing listens on port 1
        client_id=CLIENT_ID,
        client_secret=SECRET,
        public_url=PUBLIC_URL,
        clock=clock,
        jwks_client=mint.jwks_client,
    )
    client = TestClient(app, follow_redirects=False)
    state = parse_qs(urlsplit(client.get("/").headers["location"]).query)["state"][0]
    response = client.get("/sso/callback", params={"code": "c", "state": state})
    assert response.status_code == 502
    assert "统一身份认证服务暂时无法访问" in error_block(response.text)


def test_logout_ends_the_session_and_then_keycloaks(
    client: TestClient, keycloak: tuple[FakeKeycloak, str], mint: TokenMint
) -> None:
    _log_in(client, keycloak[0], mint)
    assert client.get("/").status_code == 200

    response = client.post("/logout")

    query = urlencode({"client_id": CLIENT_ID, "post_logout_redirect_uri": f"{PUBLIC_URL}/"})
    assert response.status_code == 303
    assert response.headers["location"] == f"{keycloak[1]}/protocol/openid-connect/logout?{query}"
    assert client.get("/").status_code == 303


def test_a_bad_bearer_token_is_refused_even_with_a_session(
    client: TestClient, keycloak: tuple[FakeKeycloak, str], mint: TokenMint
) -> None:
    _log_in(client, keycloak[0], mint)
    # The log-in's own token names us only in azp: good for a session, not as a bearer.
    response = client.get("/", headers={"Authorization": f"Bearer {_login_token(mint)}"})
    assert response.status_code == 401


def test_a_post_without_a_session_returns_home_after_the_login(
    client: TestClient, keycloak: tuple[FakeKeycloak, str], mint: TokenMint
) -> None:
    code, state = keycloak[0].grant(client.post("/dibao").headers["location"], _login_token(mint))
    response = client.get("/sso/callback", params={"code": code, "state": state})
    assert response.headers["location"] == "/"


def test_a_pending_login_expires_after_ten_minutes() -> None:
    now = [1000.0]
    pending = PendingLogins(monotonic=lambda: now[0])
    fresh, _ = pending.start("/records")
    stale, _ = pending.start("/records")
    now[0] += LOGIN_LIFETIME_S - 1
    login = pending.take(fresh)
    assert login is not None and login.wanted == "/records"
    now[0] += 1
    assert pending.take(stale) is None
