"""The end-to-end fixtures: the real stack and a real Chromium."""

from tests.e2e._stack import browser, stack

__all__ = ["browser", "stack"]
