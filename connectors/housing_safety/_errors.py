"""HTTP status -> meaning for the hub (the connector's error table)."""

from __future__ import annotations

from connectors.sdk import API_KEY_STATUS
from hub.errors import HubError

# The platform answers as the city's other key-guarded APIs do: 401/403 are the hub's key (IT's
# to fix), 409 our mapping changed mid-flight, 429 wait and retry. Any other 5xx is its trouble,
# retried; anything unexpected means the client no longer matches the API. 422 carries the
# platform's reason and is a business rejection shown to the worker.
STATUS: dict[int, type[HubError]] = {**API_KEY_STATUS}
