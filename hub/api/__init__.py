"""The hub's REST API."""

from hub.api._routes import router

__all__ = ["router"]
