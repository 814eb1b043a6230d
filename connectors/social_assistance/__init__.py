"""江苏省民政厅社会救助信息管理系统 (最低生活保障, 低保): a web system with no API, filled by a
Playwright robot that acts as the submitting worker with her single-sign-on token (auth="sso")."""

from connectors.social_assistance._robot import SocialAssistanceConnector

connector = SocialAssistanceConnector()

__all__ = ["SocialAssistanceConnector", "connector"]
