"""The worker portal (HTML)."""

from hub.portal._routes import router, templates
from hub.words import STATUS_WORDS

__all__ = ["STATUS_WORDS", "router", "templates"]
