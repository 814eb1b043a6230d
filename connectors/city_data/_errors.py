"""HTTP status -> meaning for the hub (the connector's error table)."""

from __future__ import annotations

from hub.errors import ConfigurationError, HubError, RobotBroken, TargetUnavailable

STATUS: dict[int, type[HubError]] = {
    # The platform's API key is the hub's, not a worker's: a refused key is IT's to fix.
    401: ConfigurationError,
    403: ConfigurationError,
    409: RobotBroken,  # same idempotency key, different body: our mapping changed mid-flight
    429: TargetUnavailable,  # over the per-key rate limit: wait and retry
}
#: 422 carries the platform's reason and is a business rejection shown to the worker.
REJECTED = 422


def error_for(status: int) -> type[HubError]:
    """What a non-2xx status (other than 422) means: 5xx is the platform's trouble, retried;
    anything unexpected means the client no longer matches the API."""
    if status in STATUS:
        return STATUS[status]
    return TargetUnavailable if 500 <= status < 600 else RobotBroken
