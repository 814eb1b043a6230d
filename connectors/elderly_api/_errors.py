"""HTTP status -> meaning for the hub (the connector's error table)."""

from __future__ import annotations

from connectors.sdk import API_KEY_STATUS
from hub.errors import HubError, TargetUnavailable

# 401/403 are the hub's key (IT), 409 our mapping changed mid-flight, 429 wait and retry; only
# these 5xx are the platform's trouble, any other status means the client no longer matches.
STATUS: dict[int, type[HubError]] = {
    **API_KEY_STATUS,
    500: TargetUnavailable,
    502: TargetUnavailable,
    503: TargetUnavailable,
    504: TargetUnavailable,
}
#: 422 carries the platform's reason (a bad field, or an amendment it refuses once reviewed) and
#: is a business rejection shown to the worker.
REJECTED = 422
