"""`python -m hub`: serve the portal and API with uvicorn on the configured host and port."""

from __future__ import annotations

import uvicorn

from hub.app import create_app
from hub.logs import configure_logging
from hub.settings import get_settings


def main() -> None:
    settings = get_settings()
    configure_logging()
    # No access log: request lines carry query strings (searches by name or ID number).
    uvicorn.run(
        create_app(settings),
        host=settings.hub.host,
        port=settings.hub.port,
        access_log=False,
        log_config=None,  # keep configure_logging's handler and its personal-data filter
    )


if __name__ == "__main__":
    main()
