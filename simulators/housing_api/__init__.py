"""Simulated 无锡市房屋安全信息平台 开放接口: a JSON API for 房屋安全排查登记, with API keys,
Idempotency-Key and a per-key rate limit (429 with Retry-After).

Connectors call /api/v1/house-inspections; tests read what arrived at /_sim/records.
"""

from simulators.housing_api._app import create_app

__all__ = ["create_app"]
