"""How long the local stack takes to be ready: `.venv/bin/python bench/startup.py`.

Starts the same Stack as `make run` twice on free ports in a temporary directory: first with no
data (databases created, realm provisioned, demo data seeded), then again with the data kept,
the way a developer's second `make run` finds it. The Keycloak distribution comes from .cache/.
Prints seconds until each component answered and until the whole stack was ready.
"""

from __future__ import annotations

import socket
import tempfile
import time
from pathlib import Path

from hub.devstack import Service, Stack
from hub.settings import (
    HubSettings,
    KeycloakSettings,
    Settings,
    SimulatorSettings,
    TemporalSettings,
)

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _settings(data_dir: Path) -> Settings:
    return Settings(
        data_dir=data_dir,
        hub=HubSettings(port=_free_port()),
        temporal=TemporalSettings(port=_free_port(), ui_port=_free_port()),
        keycloak=KeycloakSettings(port=_free_port()),
        simulators=SimulatorSettings(
            civil_port=_free_port(), api_port=_free_port(), social_port=_free_port()
        ),
    )


def _timed_start(stack: Stack) -> dict[str, float]:
    began = time.monotonic()
    ready: dict[str, float] = {}
    original = Service.wait_ready

    def timed(service: Service) -> None:
        original(service)
        ready[service.name] = time.monotonic() - began

    Service.wait_ready = timed  # type: ignore[method-assign]
    try:
        stack.start()
    finally:
        Service.wait_ready = original  # type: ignore[method-assign]
    ready["whole stack"] = time.monotonic() - began
    return ready


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = _settings(Path(tmp))
        runs = {}
        for label in ("new data", "data kept"):
            stack = Stack(settings, cache_dir=ROOT / ".cache")
            try:
                runs[label] = _timed_start(stack)
            finally:
                stack.stop()
    names = list(runs["new data"])
    print(f"{'ready after (s)':<16}" + "".join(f"{label:>12}" for label in runs))
    for name in names:
        print(f"{name:<16}" + "".join(f"{runs[label][name]:>12.1f}" for label in runs))


if __name__ == "__main__":
    main()
