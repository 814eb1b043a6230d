"""全国退役军人信息管理系统: a national web system with no API, each worker's own log-in behind an
image CAPTCHA (the robot asks her to read it), and a four-step wizard inside a frame set, filled
by a Playwright robot."""

from connectors.veterans._robot import VeteransConnector

connector = VeteransConnector()

__all__ = ["VeteransConnector", "connector"]
