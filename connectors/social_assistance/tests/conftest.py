"""Fixtures of the 社会救助 robot's tests (browsers, recorder and application: connectors/)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors.sdk import Application
from connectors.social_assistance.tests._support import (
    CLIENT_ID,
    ISSUER,
    NAME,
    USER,
    TokenSource,
    simulator,
)
from tests._servers import serve
from tests._tokens import TokenMint


@pytest.fixture
def mint() -> TokenMint:
    """Signs tokens as Keycloak would sign the ones it exchanges for this system."""
    return TokenMint(issuer=ISSUER, audience=CLIENT_ID)


@pytest.fixture
def her_token(mint: TokenMint) -> TokenSource:
    return TokenSource(mint.token(USER, roles=["worker"], claims={"name": NAME}))


@pytest.fixture
def social_assistance(tmp_path: Path, mint: TokenMint) -> Iterator[str]:
    """The simulated system's base URL, with a fresh database, trusting the mint's key."""
    with serve(simulator(tmp_path, mint.jwks_client)) as base_url:
        yield base_url


@pytest.fixture
def dibao(application: Application) -> Application:
    """The 84-year-old woman with a rare character in her name, applying for 低保."""
    answers = {
        "household_size": "2",
        "monthly_income": "520.00",
        "application_reason": "老伴去世，本人无固定收入，患慢性病需长期服药。",
    }
    return application.model_copy(update={"form_id": "minimum-living", "answers": answers})
