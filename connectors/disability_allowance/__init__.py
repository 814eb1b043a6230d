"""省残疾人两项补贴管理系统: a GBK web system of 2008 with no API, filled by a Playwright robot
logging in with the submitting worker's own account."""

from connectors.disability_allowance._robot import DisabilityAllowanceConnector

connector = DisabilityAllowanceConnector()

__all__ = ["DisabilityAllowanceConnector", "connector"]
