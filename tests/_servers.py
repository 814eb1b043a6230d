"""Serve an ASGI app over real HTTP for the length of a test (the SDK's `serve`), and pick ports
for servers started as processes.

serve: uvicorn in a background thread.

A browser or an HTTP client under test then talks to it exactly as it would to the real system,
while the test's own event loop stays free for the code under test.
"""

from __future__ import annotations

import random
import socket

from connectors.sdk.testing import HOST, serve


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


__all__ = ["HOST", "free_ports", "serve"]
