"""Serve an ASGI app over real HTTP for the length of a test: uvicorn in a background thread.

A browser or an HTTP client under test then talks to it exactly as it would to the real system,
while the test's own event loop stays free for the code under test.
"""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

HOST = "127.0.0.1"
_START_TIMEOUT_S = 15.0
_STOP_TIMEOUT_S = 10.0


class _ThreadServer(uvicorn.Server):
    """A uvicorn server that leaves signals alone: they belong to pytest's main thread."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextmanager
def serve(app: ASGIApp) -> Iterator[str]:
    """Run app on 127.0.0.1 and a free port; yield its base URL; stop the server on exit."""
    # Bind the socket here rather than pick a free port for uvicorn to bind later: nothing else
    # can take the port in between.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    port = sock.getsockname()[1]
    # No access log (query strings carry ID numbers) and no log_config, so that uvicorn does not
    # reconfigure logging under pytest.
    config = uvicorn.Config(
        app, log_config=None, access_log=False, log_level="warning", timeout_graceful_shutdown=5
    )
    server = _ThreadServer(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"uvicorn:{port}", daemon=True
    )
    thread.start()
    try:
        _wait_until_started(server, thread)
        yield f"http://{HOST}:{port}"
    finally:
        server.should_exit = True
        thread.join(_STOP_TIMEOUT_S)
        if thread.is_alive():
            # Connections that would not close: stop waiting for them.
            server.force_exit = True
            thread.join(_STOP_TIMEOUT_S)
        sock.close()


def _wait_until_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + _START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the server stopped while starting (see the log above)")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server did not start within {_START_TIMEOUT_S:.0f}s")
        time.sleep(0.01)


def free_ports(count: int) -> list[int]:
    """Ports free now for servers a test starts as separate processes.

    Taken below the kernel's ephemeral range (32768-60999 here): the operating system hands
    ports from that range to every outgoing connection and to programs asking for "any port"
    (the Temporal dev server does so for its internal services), so a port chosen there and
    released can be taken before our server binds it.
    """
    rng = random.Random()
    chosen: list[int] = []
    while len(chosen) < count:
        port = rng.randrange(20000, 32000)
        if port in chosen:
            continue
        with socket.socket() as probe:
            try:
                probe.bind((HOST, port))
            except OSError:
                continue
        chosen.append(port)
    return chosen
