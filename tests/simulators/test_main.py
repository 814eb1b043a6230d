import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from simulators.__main__ import main

REPO_ROOT = Path(__file__).resolve().parents[2]
ID_NUMBER = "32020619420315124X"


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:  # all bound at once, so the OS cannot hand out one port twice
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _wait_until_healthy(process: subprocess.Popen[bytes], urls: list[str]) -> None:
    deadline = time.monotonic() + 30
    pending = list(urls)
    while pending and time.monotonic() < deadline:
        assert process.poll() is None, "python -m simulators exited early"
        try:
            if httpx.get(pending[0], timeout=1).json() == {"ok": True}:
                pending.pop(0)
                continue
        except httpx.TransportError:
            pass
        time.sleep(0.2)  # polling a child process: there is no event to wait on
    assert not pending, f"not healthy within 30 s: {pending}"


#: Every simulator `python -m simulators` serves: its port flag's name.
SYSTEMS = ("civil", "api", "social", "housing", "disability", "veterans", "city-data")


@contextmanager
def _serving(tmp_path: Path, *extra: str) -> Iterator[dict[str, str]]:
    """`python -m simulators` on free ports; yields each system's base URL by name, then stops
    it with SIGTERM."""
    ports = dict(zip(SYSTEMS, _free_ports(len(SYSTEMS)), strict=True))
    argv = [sys.executable, "-m", "simulators", "--data-dir", str(tmp_path / "data"), *extra]
    for system, port in ports.items():
        argv += [f"--{system}-port", str(port)]
    with (tmp_path / "simulators.log").open("wb") as log:
        process = subprocess.Popen(argv, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        urls = {system: f"http://127.0.0.1:{port}" for system, port in ports.items()}
        _wait_until_healthy(process, [f"{url}/_sim/health" for url in urls.values()])
        yield urls
    finally:
        process.terminate()
        returncode = process.wait(timeout=20)
    assert returncode == 0, "SIGTERM should stop every server cleanly"


def test_one_process_serves_every_simulator_and_logs_no_id_numbers(tmp_path: Path) -> None:
    with _serving(tmp_path) as urls:
        civil_url, api_url, social_url = urls["civil"], urls["api"], urls["social"]
        search = httpx.get(f"{civil_url}/elderly/search", params={"id_number": ID_NUMBER})
        assert search.status_code == 303  # not logged in
        lookup = httpx.get(
            f"{api_url}/api/v1/allowance-applications",
            params={"id_number": ID_NUMBER},
            headers={"X-API-Key": "dev-elderly-api-key"},
        )
        assert lookup.json() == {"items": []}
        social = httpx.get(f"{social_url}/dibao/search", params={"id_number": ID_NUMBER})
        # Not logged in: off to the default realm, to come back to this process's own URL.
        assert social.status_code == 303
        location = urlsplit(social.headers["location"])
        assert location.netloc == "127.0.0.1:8080"
        assert location.path == "/realms/community/protocol/openid-connect/auth"
        query = parse_qs(location.query)
        assert query["client_id"] == ["social-assistance"]
        assert query["redirect_uri"] == [f"{social_url}/sso/callback"]
    # Read only after exit: uvicorn's access log goes to stdout, which a file buffers.
    log = (tmp_path / "simulators.log").read_text(encoding="utf-8")
    assert all(url in log for url in urls.values())  # the log is captured...
    assert ID_NUMBER not in log  # ...and the query strings above are not in it


def test_how_the_systems_behave_is_set_on_the_command_line(tmp_path: Path) -> None:
    with _serving(tmp_path, "--error-rate", "1", "--latency-ms", "1-5") as urls:
        for url in urls.values():
            assert httpx.get(f"{url}/records").status_code == 503  # 系统繁忙, every time
            conditions = httpx.get(f"{url}/_sim/conditions").json()
            assert (conditions["error_rate"], conditions["latency_ms"]) == (1.0, [1, 5])
        # Each system has its own: one brought back leaves the others failing.
        civil, api = urls["civil"], urls["api"]
        httpx.put(f"{civil}/_sim/conditions", json={"error_rate": 0})
        assert httpx.get(f"{civil}/login").status_code == 200
        assert httpx.get(f"{api}/records").status_code == 503


def test_refuses_to_listen_beyond_loopback(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--host", "0.0.0.0"])
    assert exit_info.value.code == 2
    assert "not a loopback address" in capsys.readouterr().err
