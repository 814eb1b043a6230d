"""Simulated 江苏省残疾人两项补贴管理系统: a web system built like it was in 2008.

GBK pages in nested tables, its own log-in per worker with a short idle timeout, cascading
region selects filled by XMLHttpRequest, a read-only date picker, and a confirm() before filing.
Robots log in at /login.do, file at /subsidy/apply.do and look up at /subsidy/query.do; tests
read what arrived at /_sim/records.
"""

from simulators.disability._app import create_app

__all__ = ["create_app"]
