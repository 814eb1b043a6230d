"""Whether targets answer, all asked at once: for `python -m connectors list` and the ops page."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

from connectors.sdk import check_targets
from tests._servers import HOST, free_ports, serve


@pytest.fixture
def target() -> Iterator[str]:
    app = FastAPI()

    @app.get("/")
    def login_page() -> PlainTextResponse:
        return PlainTextResponse("请登录")

    @app.get("/broken")
    def broken() -> PlainTextResponse:
        return PlainTextResponse("Service Unavailable", status_code=503)

    with serve(app) as url:
        yield url


@pytest.fixture
def silent() -> Iterator[str]:
    """A target that takes the connection and never answers."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        sock.listen()
        yield f"http://{HOST}:{sock.getsockname()[1]}/"


async def test_an_answer_below_500_is_up_and_anything_else_is_down(
    target: str, silent: str
) -> None:
    closed = f"http://{HOST}:{free_ports(1)[0]}/"

    found = await check_targets(
        {"up": f"{target}/", "503": f"{target}/broken", "closed": closed, "silent": silent},
        timeout_s=0.5,
    )

    assert found["up"].up and found["up"].status_code == 200
    assert str(found["up"]).startswith("up (HTTP 200, ")
    assert not found["503"].up and str(found["503"]).startswith("DOWN (HTTP 503, ")
    assert (found["closed"].up, found["closed"].error) == (False, "ConnectError")
    assert not found["silent"].up and found["silent"].status_code is None
    assert "Timeout" in (found["silent"].error or "")
