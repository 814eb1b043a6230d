"""One Chromium per worker process; a fresh context per delivery, always closed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from playwright.async_api import Browser, BrowserContext, Playwright, async_playwright

# Debian's Chromium as root, on a machine whose network reaches only package registries:
# no sandbox (root), and no background networking that would hang on closed connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


class BrowserPool:
    def __init__(self, *, executable: str, headless: bool = True) -> None:
        self._executable = executable
        self._headless = headless
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._lock = asyncio.Lock()

    async def browser(self) -> Browser:
        async with self._lock:
            if self._browser is None or not self._browser.is_connected():
                if self._playwright is None:
                    self._playwright = await async_playwright().start()
                self._browser = await self._playwright.chromium.launch(
                    executable_path=self._executable, headless=self._headless, args=CHROMIUM_ARGS
                )
            return self._browser

    @asynccontextmanager
    async def context(
        self,
        *,
        extra_http_headers: dict[str, str] | None = None,
        storage_state: dict[str, Any] | None = None,
    ) -> AsyncIterator[BrowserContext]:
        """A fresh context, closed on the way out however the delivery ends.

        extra_http_headers go with every request the context makes, e.g. the Authorization
        header of an SSO connector (auth="sso"); they die with the context. storage_state is a
        saved login (cookies), from `await ctx.login_state()`.
        """
        browser = await self.browser()
        context = await browser.new_context(
            locale="zh-CN",
            viewport={"width": 1280, "height": 900},
            extra_http_headers=extra_http_headers,
            storage_state=storage_state,  # type: ignore[arg-type]  # Playwright's TypedDict
        )
        try:
            yield context
        finally:
            await context.close()

    async def close(self) -> None:
        if self._browser is not None:
            await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()
        self._browser = self._playwright = None
