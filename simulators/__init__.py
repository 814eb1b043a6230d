"""Stand-ins for the downstream systems the hub cannot reach from a development machine.

- ``create_civil_affairs_app``: 江苏省民政厅 高龄津贴管理系统, a web system with no API (robots).
- ``create_elderly_api_app``: 无锡市养老服务信息平台 开放接口, a JSON API (API connector).
- ``create_disability_app``: 江苏省残疾人两项补贴管理系统, a GBK web system built like 2008: table
  layout, cascading region selects, a read-only date picker, short sessions (robots).
- ``create_veterans_app``: 全国退役军人信息管理系统, a web system whose log-in has an image CAPTCHA
  and whose work sits in an iframe, as a multi-step wizard (robots; the worker reads the CAPTCHA).
- ``create_housing_api_app``: 无锡市房屋安全信息平台 开放接口, a JSON API with a per-key rate
  limit (429 with Retry-After).
- ``create_city_data_app``: 无锡市基层数据共享平台 一表通数据归集接口, a JSON API with a per-key
  rate limit into which every community business is collected (数据归集); nothing is reviewed.
- ``create_social_assistance_app``: 江苏省民政厅 社会救助信息管理系统 (低保), a web system that
  trusts Keycloak: people sign in there, robots bring an access token Keycloak issued for it.

All store what they receive in SQLite and expose it at ``/_sim/records`` for tests; all but the
data-sharing platform let a test (or a person on ``/records``) approve or refuse an application
at ``/_sim/applications/{receipt_no}/decision``.
``python -m simulators`` serves them all, each on its own port.
"""

from simulators.city_data import create_app as create_city_data_app
from simulators.civil_affairs import create_app as create_civil_affairs_app
from simulators.disability import create_app as create_disability_app
from simulators.elderly_api import create_app as create_elderly_api_app
from simulators.housing_api import create_app as create_housing_api_app
from simulators.social_assistance import create_app as create_social_assistance_app
from simulators.veterans import create_app as create_veterans_app

__all__ = [
    "create_city_data_app",
    "create_civil_affairs_app",
    "create_disability_app",
    "create_elderly_api_app",
    "create_housing_api_app",
    "create_social_assistance_app",
    "create_veterans_app",
]
