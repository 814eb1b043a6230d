"""Simulated 江苏省民政厅 高龄津贴管理系统: a server-rendered web system with no API.

Robots log in at /login, file at /elderly/new and look up at /elderly/search; tests read what
arrived at /_sim/records.
"""

from simulators.civil_affairs._app import create_app

__all__ = ["create_app"]
