"""Simulated 无锡市基层数据共享平台（一表通数据归集接口）: a JSON API with API keys,
Idempotency-Key and a per-key rate limit, into which communities collect their business data.

Connectors call /api/v1/records; tests read what arrived at /_sim/records.
"""

from simulators.city_data._app import create_app

__all__ = ["create_app"]
