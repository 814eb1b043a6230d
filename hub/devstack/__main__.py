"""`make run`: start the whole stack with demo data, print where everything is, stop on Ctrl-C."""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

from hub.demo import DEMO_CIVIL_LOGINS
from hub.devstack._process import ServiceFailed
from hub.devstack._stack import Stack
from hub.settings import DecisionSettings, Settings, get_settings

CACHE_DIR = Path(".cache")


#: In the demo, decisions made on the simulators' /records pages come back within a minute.
DEMO_DECISIONS = DecisionSettings(first_check_s=15, maximum_interval_s=60)


def main() -> int:
    settings = get_settings()
    if settings.decisions == DecisionSettings():
        settings = settings.model_copy(update={"decisions": DEMO_DECISIONS})
    stack = Stack(settings, cache_dir=CACHE_DIR)
    began = time.monotonic()
    print("正在启动社区一表通 (Temporal, Keycloak, simulators, worker, hub)…", flush=True)
    # Ctrl-C and SIGTERM both end in stack.stop(); SIGINT is set explicitly because a shell
    # that starts us in the background would otherwise leave it ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        stack.start()
    except ServiceFailed as exc:
        print(f"\n启动失败 / failed to start: {exc}", file=sys.stderr)
        return 1
    try:
        print(_banner(stack, time.monotonic() - began), flush=True)
        while all(s.process and s.process.poll() is None for s in stack.services):
            time.sleep(1)
        dead = [s for s in stack.services if s.process and s.process.poll() is not None]
        for service in dead:
            print(f"{service.name} stopped unexpectedly; log: {service.log_path}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        print("\n正在停止所有服务…", flush=True)
        stack.stop()


def _civil_accounts(settings: Settings, passwords: dict[str, str] | None = None) -> str:
    """Whose account at the simulated system is whose: the robot logs in as the submitter."""
    passwords = passwords if passwords is not None else settings.simulators.civil_accounts
    return "，".join(
        f"{worker} 的账号 {login} / {passwords[login]}"
        for worker, (login, _) in DEMO_CIVIL_LOGINS.items()
        if login in passwords
    )


def _banner(stack: Stack, seconds: float) -> str:
    s = stack.settings
    password = s.keycloak.demo_password
    return f"""
社区一表通已就绪 (ready in {seconds:.0f}s)

  工作人员门户 Portal       {s.hub.url}
  Temporal Web UI           http://{s.temporal.host}:{s.temporal.ui_port}
                            (载荷已加密。operator 登录门户后，在 UI 的 Codec Server 设置中
                             选 Use my browser setting，填 {s.hub.url}/codec，
                             打开 Include cross-origin credentials，即可看明文)
  Keycloak                  {s.keycloak.url}/admin
                            (admin / {s.keycloak.admin_password})
  省民政厅模拟系统          {s.simulators.civil_url}/records
                            ({_civil_accounts(s)})
  市养老服务平台模拟接口    {s.simulators.api_url}/records
  省社会救助模拟系统        {s.simulators.social_url}/
                            (统一登录：用门户的演示账号，无需另设账号)
  省残疾人两项补贴模拟系统  {s.simulators.disability_url}/records
                            ({_civil_accounts(s, s.simulators.disability_accounts)})
  全国退役军人模拟系统      {s.simulators.veterans_url}/records
                            ({_civil_accounts(s, s.simulators.veterans_accounts)})
  市房屋安全平台模拟接口    {s.simulators.housing_url}/records
                            (在两个模拟系统的 /records 页面点"批准"或"不予批准"，
                             审核结果约一分钟内回到居民的办理记录)
  基层数据共享平台模拟接口  {s.simulators.city_data_url}/records
                            (五张表单都归集到此平台，只收数据，不审核)
  API docs                  {s.hub.url}/docs

  演示账号 Demo logins (password {password}):
    worker-a   玉祁社区 社区工作者
    worker-b   瑞星社区 社区工作者
    admin-a    玉祁社区 社区管理员
    street-viewer / district-viewer   玉祁街道 / 惠山区 (统计；数据下发：收集表、问卷)
    it-admin   IT 管理员 (表单管理)
    operator   运维人员

  日志 Logs: {stack.log_dir}
  按 Ctrl-C 停止全部服务 (stops everything started here).
"""


if __name__ == "__main__":
    sys.exit(main())
