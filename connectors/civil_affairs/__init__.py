"""省民政厅高龄津贴管理系统: a web system with no API, filled by a Playwright robot."""

from connectors.civil_affairs._robot import CivilAffairsConnector

connector = CivilAffairsConnector()

__all__ = ["CivilAffairsConnector", "connector"]
