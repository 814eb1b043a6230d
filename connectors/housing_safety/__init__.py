"""市房屋安全信息平台: the city's housing-safety platform, a REST API (API key, JSON, idempotency
keys, a per-key rate limit) that takes 房屋安全排查登记 records and reports their 复核."""

from connectors.housing_safety._client import HousingSafetyConnector

connector = HousingSafetyConnector()

__all__ = ["HousingSafetyConnector", "connector"]
