"""A Playwright trace of every browser context a delivery opens, kept only when it fails.

The hub hands each robot activity a `DeliveryBrowsers` as `ctx.browsers`: the worker process's one
Chromium, with tracing on in each fresh context. When the connector's `async with` body raises,
the context's trace is written out before the context closes; when it returns, the trace is
dropped. The activity then scrubs what it handed the robot (a password, a token) out of the trace
with `scrub_trace`, and stores it encrypted as evidence. Connectors change nothing for this.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import tempfile
import zipfile
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

from playwright.async_api import Browser, BrowserContext
from playwright.async_api import Error as PlaywrightError

from connectors.sdk._browser import BrowserPool

log = logging.getLogger(__name__)

#: What a scrubbed secret is replaced with, in every form it was found.
SCRUBBED = "«scrubbed»"


class DeliveryBrowsers(BrowserPool):
    """One delivery's view of the worker's browser pool: same Chromium, traced contexts."""

    def __init__(self, pool: BrowserPool, *, keep_all: bool = False) -> None:
        self._pool = pool
        self._keep_all = keep_all  # `python -m connectors run` keeps every trace
        #: Traces (zip bytes) of the contexts that ended in an error (all, with keep_all).
        self.traces: list[bytes] = []

    async def browser(self) -> Browser:
        return await self._pool.browser()

    @asynccontextmanager
    async def context(
        self,
        *,
        extra_http_headers: dict[str, str] | None = None,
        storage_state: dict[str, Any] | None = None,
    ) -> AsyncIterator[BrowserContext]:
        async with self._pool.context(
            extra_http_headers=extra_http_headers, storage_state=storage_state
        ) as context:
            # DOM snapshots show each step; a screencast (screenshots=True) added nothing the
            # snapshots don't show and cost an eighth of a worker's deliveries per minute.
            await context.tracing.start(screenshots=False, snapshots=True)
            try:
                yield context
            except BaseException:
                await self._keep_trace(context)
                raise
            if self._keep_all:
                await self._keep_trace(context)
            else:
                await _quietly_stop(context)

    async def close(self) -> None:
        """The pool belongs to the worker process, not to one delivery: nothing to close."""

    async def _keep_trace(self, context: BrowserContext) -> None:
        with tempfile.TemporaryDirectory(prefix="trace-") as folder:
            path = Path(folder) / "trace.zip"
            try:
                await context.tracing.stop(path=path)
            except PlaywrightError as exc:  # the browser itself went away: nothing to keep
                log.warning("no failure trace: %s", type(exc).__name__)
                return
            self.traces.append(path.read_bytes())


async def _quietly_stop(context: BrowserContext) -> None:
    with contextlib.suppress(PlaywrightError):  # closing the context discards it anyway
        await context.tracing.stop()


def scrub_trace(trace: bytes, secrets: Iterable[str]) -> bytes:
    """The trace with every secret replaced, as typed, JSON-escaped or URL-encoded, in every
    text member (actions, network log, DOM snapshots, request bodies). Screenshots are images
    and stay as they are: password boxes show dots, and tokens never appear on a page."""
    variants = _variants(secrets)
    source = zipfile.ZipFile(io.BytesIO(trace))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            for secret in variants:
                data = data.replace(secret, SCRUBBED.encode())
            target.writestr(member, data)
    return out.getvalue()


def _variants(secrets: Iterable[str]) -> list[bytes]:
    found: set[bytes] = set()
    for secret in secrets:
        if len(secret) < 4:  # too short to scrub without mangling the rest of the trace
            continue
        forms = (
            secret,
            json.dumps(secret)[1:-1],  # as JSON writes it, non-ASCII escaped
            json.dumps(secret, ensure_ascii=False)[1:-1],
            quote(secret, safe=""),
            quote_plus(secret),  # a posted form's body
        )
        for form in forms:
            found.add(form.encode())
    # Longest first: a secret that contains another is replaced whole.
    return sorted(found, key=len, reverse=True)
