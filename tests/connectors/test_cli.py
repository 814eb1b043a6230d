"""python -m connectors: what IT runs to start, try and list connectors."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from connectors.scaffold import scaffold
from connectors.sdk import SCRUBBED
from simulators import create_civil_affairs_app, create_elderly_api_app
from tests._servers import serve

REPO_ROOT = Path(__file__).resolve().parents[2]
LOGIN, PASSWORD = "yuqi-wanghong", "Wanghong-2026!"
API_KEY = "cli-test-key"


def _cli(*args: str, cwd: Path = REPO_ROOT, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")} | env
    return subprocess.run(
        [sys.executable, "-m", "connectors", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(("kind", "tests"), [("robot", 4), ("api", 4)])
def test_a_scaffolded_connector_passes_its_own_tests_and_the_linter(
    tmp_path: Path, kind: str, tests: int
) -> None:
    made = _cli("scaffold", "street_lights", "--name", "路灯报修系统", "--kind", kind,
                "--into", str(tmp_path))  # fmt: skip

    assert made.returncode == 0, made.stderr
    assert 'street_lights = "street_lights:connector"' in made.stdout
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "street_lights/tests"],
        cwd=tmp_path,
        env=os.environ | {"PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stdout[-3000:]
    assert f"{tests} passed" in ran.stdout
    # Tidy as IT's own project would lint it: imports sorted, formatted, no errors.
    for check in (["check", "--select", "E,F,I,B,UP"], ["format", "--check"]):
        linted = subprocess.run(
            [sys.executable, "-m", "ruff", *check, "--line-length", "100", "street_lights"],
            cwd=tmp_path, capture_output=True, text=True,
        )  # fmt: skip
        assert linted.returncode == 0, linted.stdout


def test_inside_a_package_the_scaffold_imports_itself_by_its_dotted_path(tmp_path: Path) -> None:
    (tmp_path / "ours").mkdir()
    (tmp_path / "ours" / "__init__.py").write_text("")

    written = scaffold(connector_id="city_api", name="城市接口", kind="api", into=tmp_path / "ours")

    init = next(p for p in written if p.name == "__init__.py" and p.parent.name == "city_api")
    assert "from ours.city_api._client import CityApiConnector" in init.read_text()


@pytest.mark.parametrize(
    ("connector_id", "why"), [("Street-Lights", "lowercase"), ("class", "lowercase")]
)
def test_a_bad_id_is_refused_with_the_rule(tmp_path: Path, connector_id: str, why: str) -> None:
    refused = _cli("scaffold", connector_id, "--name", "路灯", "--into", str(tmp_path))

    assert refused.returncode == 2 and why in refused.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_existing_folder_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "street_lights").mkdir()
    (tmp_path / "street_lights" / "mine.py").write_text("kept = True\n")

    refused = _cli("scaffold", "street_lights", "--name", "路灯", "--into", str(tmp_path))

    assert refused.returncode == 2 and "exists" in refused.stderr
    assert (tmp_path / "street_lights" / "mine.py").read_text() == "kept = True\n"


@pytest.fixture
def elderly_api(tmp_path: Path) -> Iterator[str]:
    app = create_elderly_api_app(db_path=tmp_path / "api.db", api_keys={API_KEY})
    with serve(app) as url:
        yield url


@pytest.fixture
def civil_affairs(tmp_path: Path) -> Iterator[str]:
    app = create_civil_affairs_app(db_path=tmp_path / "civil.db", accounts={LOGIN: PASSWORD})
    with serve(app) as url:
        yield url


def test_list_shows_every_installed_connector_and_whether_its_target_answers(
    elderly_api: str,
) -> None:
    port = elderly_api.rsplit(":", 1)[1]

    listed = _cli("list", HUB_SIMULATORS__API_PORT=port, HUB_SIMULATORS__CIVIL_PORT="9")

    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    for connector_id in ("civil_affairs", "elderly_api", "social_assistance"):
        assert any(line.startswith(f"{connector_id}  ") for line in lines)
    target = {line.split()[1]: line for line in lines if line.strip().startswith("target:")}
    assert "up (HTTP" in target[elderly_api]
    assert "DOWN" in target["http://127.0.0.1:9"]


def test_run_files_one_sample_with_an_api_connector(elderly_api: str, tmp_path: Path) -> None:
    ran = _cli("run", "elderly_api", "--url", elderly_api, "--config", f"api_key={API_KEY}",
               "--out", str(tmp_path / "out"))  # fmt: skip

    assert ran.returncode == 0, ran.stderr
    [record] = httpx.get(f"{elderly_api}/_sim/records").json()
    assert f"受理编号 {record['receipt_no']}（新提交）" in ran.stdout


def test_run_keeps_a_robots_trace_with_the_password_scrubbed(
    civil_affairs: str, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    ran = _cli("run", "civil_affairs", "--url", civil_affairs, "--login", LOGIN,
               "--out", str(out), CONNECTOR_PASSWORD=PASSWORD)  # fmt: skip

    assert ran.returncode == 0, ran.stderr
    assert "（新提交）" in ran.stdout and PASSWORD not in ran.stdout + ran.stderr
    [trace] = sorted(out.glob("trace-*.zip"))
    with zipfile.ZipFile(io.BytesIO(trace.read_bytes())) as opened:
        text = "".join(opened.read(n).decode("utf-8", "replace") for n in opened.namelist())
    assert "/login" in text and SCRUBBED in text  # it typed the account here
    assert PASSWORD not in text and LOGIN not in text
    assert sorted(p.suffix for p in out.glob("evidence-*")) == [".png"]


def test_run_says_why_a_delivery_failed(civil_affairs: str, tmp_path: Path) -> None:
    ran = _cli("run", "civil_affairs", "--url", civil_affairs, "--login", LOGIN,
               "--out", str(tmp_path), CONNECTOR_PASSWORD="wrong-one")  # fmt: skip

    assert ran.returncode == 1
    assert "CredentialsRejected" in ran.stderr
    assert list(tmp_path.glob("trace-*.zip"))  # the trace of what went wrong is kept
