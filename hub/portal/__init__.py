"""The worker portal (HTML)."""

from hub.portal._routes import STATUS_WORDS, router, templates

__all__ = ["STATUS_WORDS", "router", "templates"]
