"""市养老服务信息平台: a city system with a REST API (API key, JSON, idempotency keys); it reports
its reviewers' decisions and lets an application awaiting review be amended (PUT)."""

from connectors.elderly_api._client import ElderlyApiConnector

connector = ElderlyApiConnector()

__all__ = ["ElderlyApiConnector", "connector"]
