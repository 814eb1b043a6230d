"""Simulated 无锡市养老服务信息平台 开放接口: a JSON API with API keys and Idempotency-Key.

Connectors call /api/v1/allowance-applications; tests read what arrived at /_sim/records.
"""

from simulators.elderly_api._app import create_app

__all__ = ["create_app"]
