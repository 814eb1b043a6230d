"""HTTP clients for API connectors, sharing one TLS context per process.

Building an `httpx.AsyncClient` loads the CA bundle into a new TLS context: about 25 ms of CPU on
this project's machines, on the worker's event loop, for every delivery. The context is the same
each time, so it is built once.
"""

from __future__ import annotations

import functools
import ssl

import httpx


@functools.cache
def tls_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()


def http_client(base_url: str = "", *, timeout: float = 20.0) -> httpx.AsyncClient:
    """A client for one delivery (`async with http_client(url) as http:`), verifying TLS as
    httpx does by default."""
    return httpx.AsyncClient(base_url=base_url, timeout=timeout, verify=tls_context())
