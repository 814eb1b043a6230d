"""市基层数据共享平台: the city big-data bureau's grassroots data-sharing platform (一表通数据归集
接口), a REST API (API key, JSON, idempotency keys, a per-key rate limit) into which every
community business is collected, whatever line department it also goes to."""

from connectors.city_data._client import CityDataConnector

connector = CityDataConnector()

__all__ = ["CityDataConnector", "connector"]
