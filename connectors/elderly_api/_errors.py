"""HTTP status -> meaning for the hub (the connector's error table)."""

from __future__ import annotations

from hub.errors import ConfigurationError, HubError, RobotBroken, TargetUnavailable

STATUS: dict[int, type[HubError]] = {
    # The hub's API key, not a worker's login: IT fixes the configuration (CredentialsRejected
    # would tell the worker to re-bind an account she does not have).
    401: ConfigurationError,
    403: ConfigurationError,
    409: RobotBroken,  # same idempotency key, different body: our mapping changed mid-flight
    429: TargetUnavailable,
    500: TargetUnavailable,
    502: TargetUnavailable,
    503: TargetUnavailable,
    504: TargetUnavailable,
}
#: 422 carries the platform's reason (a bad field, or an amendment it refuses once reviewed) and
#: is a business rejection shown to the worker.
REJECTED = 422
