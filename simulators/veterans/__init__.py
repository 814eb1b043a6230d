"""Simulated 全国退役军人信息管理系统 (national veterans' information system): a web system with
no API, each worker's own log-in behind an image CAPTCHA, and its work inside a frame set.

People (and robots) log in at /login, open 退役军人信息采集 in the frame named "main" and walk
its four-step wizard; 信息查询 looks records up by 公民身份号码. Tests read what arrived at
/_sim/records and the CAPTCHA a log-in is showing at /_sim/captcha-answer.
"""

from simulators.veterans._app import create_app

__all__ = ["create_app"]
