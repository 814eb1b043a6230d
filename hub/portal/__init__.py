"""The worker portal (HTML)."""

from hub.portal._render import page, templates
from hub.portal._routes import router

__all__ = ["page", "router", "templates"]
