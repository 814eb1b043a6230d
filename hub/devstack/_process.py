"""Start a local service, wait until it answers, stop it: the building block of `make run`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx


class ServiceFailed(RuntimeError):
    """A service did not come up; the message names it and points at its log."""


@dataclass
class Service:
    name: str
    argv: list[str]
    log_path: Path
    health_url: str
    timeout_s: float = 180.0
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    # Extra readiness check run after the health URL answers (e.g. a realm exists).
    ready: Callable[[], bool] | None = None
    #: (host, port) pairs it will listen on; refused up front if something already answers there,
    #: since that something would pass the health check for us.
    listens: list[tuple[str, int]] = field(default_factory=list)
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        for host, port in self.listens:
            if _in_use(host, port):
                raise ServiceFailed(
                    f"{self.name}: {host}:{port} is already in use "
                    "(another `make run`? set a different port, see README)"
                )
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.argv,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **self.env},
            cwd=self.cwd,
            start_new_session=True,  # its own process group, so stop() reaches its children
        )
        log.close()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + self.timeout_s
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise ServiceFailed(
                    f"{self.name} exited with code {self.process.returncode}; log: {self.log_path}"
                )
            if _answers(self.health_url) and (self.ready is None or self.ready()):
                return
            time.sleep(0.5)
        raise ServiceFailed(
            f"{self.name} not ready after {self.timeout_s:.0f}s at {self.health_url}; "
            f"log: {self.log_path}"
        )

    def stop(self, grace_s: float = 15.0) -> None:
        proc = self.process
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _in_use(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1.0)
        return probe.connect_ex((host, port)) == 0


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2.0).status_code < 500
    except httpx.HTTPError:
        return False
