"""Robot speed and memory: `PYTHONPATH=. .venv/bin/python bench/robots.py` (part of `make bench`).

One run, one simulator (the civil-affairs system, `python -m simulators` in its own process),
one form (log in + 11 fields + receipt), measured three ways on this machine:

- **direct HTTP**: the same submission as plain requests (log in, look up, post the form): the
  floor any robot is measured against;
- **our robot**: the civil_affairs connector as the worker runs it (one Chromium per process,
  Debian's headless shell, a fresh context per delivery traced as the hub traces it, her saved
  login reused, look-up first, evidence screenshot);
- **Selenium, fresh browser per form**: the usual home-made baseline (Debian's chromedriver and
  desktop `chromium`).

Each is timed with the system answering at once, and again with 80 ms of latency per request
(a provincial system over the government network). Then throughput (deliveries per minute with
several deliveries at once, as a worker with concurrency 4), also with the same robot on the
desktop `chromium` (what the lighter build buys), and the robot process's memory (Python + its
Chromium) every 500 deliveries up to 2,000 more. Nothing here asserts: it prints ours beside
the baselines, measured in the same run.
"""

# The baselines are synchronous on purpose and timed one after another, with nothing else on the
# event loop: blocking calls inside the async driver are what is measured, not a mistake.
# ruff: noqa: ASYNC210, ASYNC220, ASYNC251

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

import httpx

from connectors.civil_affairs import connector
from connectors.sdk import Application, BrowserPool, Credentials, DeliveryBrowsers
from connectors.sdk.testing import DeliveryRecorder, sample_application
from hub.settings import BrowserSettings
from tests._servers import free_ports
from tests.factories import valid_id_number

ROOT = Path(__file__).resolve().parents[1]
LOGIN, PASSWORD = "yuqi-wanghong", "Wanghong-2026!"
ACCOUNT = Credentials(login_name=LOGIN, password=PASSWORD)
LATENCIES_MS = (0, 80)
TIMED = {"direct": 40, "robot": 40, "selenium": 8}
THROUGHPUT, CONCURRENCY, SOAK, SOAK_STEP = 300, 4, 2000, 500
DESKTOP_CHROMIUM = "/usr/bin/chromium"


class Ids:
    """A fresh, valid ID number for every form, so nothing is found by the look-up."""

    def __init__(self) -> None:
        self.n = 0

    def next(self) -> str:
        self.n += 1
        day = f"1942{1 + self.n % 12:02d}{1 + (self.n // 12) % 28:02d}"
        return valid_id_number(day, "2", seq=self.n // 336)


def _application(id_number: str) -> Application:
    """A woman born in 1942 (80-89 on the day), applying today."""
    born = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    app = sample_application("elderly-allowance", id_number=id_number, birth_date=born)
    return app.model_copy(update={"answers": app.answers | {"allowance_type": "80-89"}})


def _values(id_number: str) -> dict[str, str]:
    app = _application(id_number)
    return {
        "name": app.name,
        "id_number": id_number,
        "sex": "2",
        "birth_date": app.birth_date.isoformat(),
        "phone": app.phone,
        "address": app.address,
        "community": app.community_name,
        "allowance_type": "80-89",
        "bank": "江苏银行",
        "bank_account": "6228480402564890018",
        "applied_on": app.applied_on.isoformat(),
    }


def direct_http(base_url: str, ids: Ids) -> None:
    with httpx.Client(base_url=base_url, timeout=30) as http:
        http.post("/login", data={"username": LOGIN, "password": PASSWORD})
        id_number = ids.next()
        http.get("/elderly/search", params={"id_number": id_number})
        # The form's hidden field too, as a script copying the page's form would send it.
        answer = http.post("/elderly", data=_values(id_number) | {"business_type": "高龄津贴"})
        assert "receipt-no" in answer.text, answer.text[:300]


def selenium_fresh_browser(base_url: str, ids: Ids) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = DESKTOP_CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(f"{base_url}/login")
        driver.find_element(By.NAME, "username").send_keys(LOGIN)
        driver.find_element(By.NAME, "password").send_keys(PASSWORD)
        driver.find_element(By.XPATH, "//button[contains(., '登录')]").click()
        WebDriverWait(driver, 30).until(lambda d: "/login" not in d.current_url)
        id_number = ids.next()
        driver.get(f"{base_url}/elderly/search?id_number={id_number}")
        driver.get(f"{base_url}/elderly/new")
        for name, value in _values(id_number).items():
            element = driver.find_element(By.NAME, name)
            if element.tag_name == "select":
                Select(element).select_by_value(value)
            else:
                element.clear()
                element.send_keys(value)
        driver.find_element(By.XPATH, "//button[contains(., '提交申请')]").click()
        WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.ID, "receipt-no"))
    finally:
        driver.quit()


async def robot(pool: BrowserPool, recorder: DeliveryRecorder, base_url: str, ids: Ids) -> None:
    # As the hub's activity runs it: each context traced, the trace dropped when it succeeds.
    browsers = DeliveryBrowsers(pool)
    ctx = recorder.context({"base_url": base_url}, browsers=browsers, account=ACCOUNT)
    receipt = await connector.deliver(ctx, _application(ids.next()))
    assert not receipt.existing


def _timed(run: Callable[[], object], times: int) -> list[float]:
    seconds = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - started)
    return seconds


async def _timed_async(run: Callable[[], Awaitable[None]], times: int) -> list[float]:
    seconds = []
    for _ in range(times):
        started = time.perf_counter()
        await run()
        seconds.append(time.perf_counter() - started)
    return seconds


async def _deliveries_per_minute(run: Callable[[], Awaitable[None]], total: int) -> float:
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(total):
        queue.put_nowait(n)

    async def lane() -> None:
        while not queue.empty():
            queue.get_nowait()
            await run()

    started = time.perf_counter()
    await asyncio.gather(*(lane() for _ in range(CONCURRENCY)))
    return total / (time.perf_counter() - started) * 60


def _rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (its Chromium), in MB."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    family, grew = {pid}, True
    while grew:
        more = {child for child, parent in parents.items() if parent in family} - family
        family |= more
        grew = bool(more)
    kb = 0
    for member in family:
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        kb += next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0
        )
    return kb / 1024


def _p(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {statistics.median(values) * 1000:7.0f} ms   p95 {p95 * 1000:7.0f} ms"


async def main() -> None:
    (port,) = free_ports(1)
    data = Path(tempfile.mkdtemp(prefix="bench-robots-"))
    sims = subprocess.Popen(
        [sys.executable, "-m", "simulators", "--data-dir", str(data), "--civil-port", str(port),
         *(f"--{s}-port={p}" for s, p in zip(
             ("api", "social", "housing", "disability", "veterans", "city-data"), free_ports(6),
             strict=True)),
         f"--civil-account={LOGIN}:{PASSWORD}"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{base_url}/_sim/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        await _run(base_url)
    finally:
        sims.terminate()
        sims.wait(timeout=20)


async def _run(base_url: str) -> None:
    ids = Ids()
    pool = BrowserPool(executable=BrowserSettings().executable)
    recorder = DeliveryRecorder()
    print(
        f"one form: log in + 11 fields + receipt, civil-affairs simulator; {os.cpu_count()} cores"
    )
    try:
        for latency in LATENCIES_MS:
            httpx.put(f"{base_url}/_sim/conditions", json={"latency_ms": [latency, latency]})
            direct = _timed(lambda: direct_http(base_url, ids), TIMED["direct"])
            ours = await _timed_async(lambda: robot(pool, recorder, base_url, ids), TIMED["robot"])
            selenium = _timed(lambda: selenium_fresh_browser(base_url, ids), TIMED["selenium"])
            ratio = statistics.median(ours) / statistics.median(direct)
            print(f"\nper form, {latency} ms latency per request:")
            print(f"  direct HTTP requests          {_p(direct)}")
            print(f"  our robot                     {_p(ours)}   = {ratio:.1f}x direct HTTP")
            print(f"  Selenium, fresh browser/form  {_p(selenium)}")
        httpx.put(f"{base_url}/_sim/conditions", json={"latency_ms": [0, 0]})
        rate = await _deliveries_per_minute(
            lambda: robot(pool, recorder, base_url, ids), THROUGHPUT
        )
        print(
            f"\nthroughput, {CONCURRENCY} deliveries at once, one Chromium: {rate:.0f} per minute"
        )
        desktop = BrowserPool(executable=DESKTOP_CHROMIUM)
        try:
            desktop_rate = await _deliveries_per_minute(
                lambda: robot(desktop, recorder, base_url, ids), THROUGHPUT // 2
            )
        finally:
            await desktop.close()
        print(f"  the same robot on the desktop chromium:       {desktop_rate:.0f} per minute")
        done = THROUGHPUT + 2 * TIMED["robot"]
        readings = [f"{_rss_mb(os.getpid()):.0f} MB after {done}"]
        for _ in range(SOAK // SOAK_STEP):  # a reading every SOAK_STEP: growing, or levelled?
            await _deliveries_per_minute(lambda: robot(pool, recorder, base_url, ids), SOAK_STEP)
            done += SOAK_STEP
            readings.append(f"{_rss_mb(os.getpid()):.0f} MB after {done}")
        print("robot process + Chromium RSS: " + ", ".join(readings))
    finally:
        await pool.close()


if __name__ == "__main__":
    asyncio.run(main())
