"""The targets of bench/orchestration.py: a JSON endpoint in its own process, and the stand-in
API connectors that file to it.

    PYTHONPATH=. .venv/bin/python bench/_targets.py PORT     # what target_server() starts

Each POST is answered after the `delay_ms` its query asks for (the connector's configuration
says how slow its target is), by a thread of the standard library's threading HTTP server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx

from connectors.sdk import Application, DeliveryContext, FieldDecl, Manifest, Receipt, http_client
from tests._servers import free_ports

CONCURRENCY = 4  # deliveries at once per target (its manifest's), as elderly_api's
ROOT = Path(__file__).resolve().parents[1]


class _TargetHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        delay_ms = float(parse_qs(urlsplit(self.path).query).get("delay_ms", ["0"])[0])
        time.sleep(delay_ms / 1000)
        reply = json.dumps({"receipt_no": uuid.uuid4().hex[:12], "name": body["name"]}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def do_GET(self) -> None:
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base's name)
        pass


def serve_targets(port: int) -> None:
    ThreadingHTTPServer(("127.0.0.1", port), _TargetHandler).serve_forever()


class ApiTarget:
    """A stand-in API connector: one JSON POST with an idempotency key, a receipt back."""

    def __init__(self, connector_id: str) -> None:
        self.manifest = Manifest(
            id=connector_id,
            name=f"{connector_id} 系统",
            version="1",
            kind="api",
            auth="api_key",
            allowed_hosts=["127.0.0.1"],
            business_type="测试",
            fields=[FieldDecl(name="name", label="姓名")],
            concurrency=CONCURRENCY,
            start_to_close_timeout_s=30,  # as elderly_api's: a call that ends within a minute
            heartbeat_timeout_s=30,
        )

    def map(self, application: Application) -> dict[str, str]:
        return {"name": application.name, "id_number": application.id_number}

    async def deliver(self, ctx: DeliveryContext, application: Application) -> Receipt:
        # A fresh client per delivery, as elderly_api and housing_safety open theirs.
        async with http_client(ctx.config["base_url"]) as http:
            response = await http.post(
                "/applications",
                params={"delay_ms": ctx.config["delay_ms"]},
                json=self.map(application),
                headers={"Idempotency-Key": ctx.idempotency_key},
            )
        response.raise_for_status()
        receipt_no = str(response.json()["receipt_no"])
        ctx.heartbeat({"step": "submitted", "receipt_no": receipt_no})
        return Receipt(receipt_no=receipt_no)


@contextmanager
def target_server() -> Iterator[tuple[str, int]]:
    """The targets' JSON endpoint in its own process: (its URL, its process id)."""
    (port,) = free_ports(1)
    process = subprocess.Popen(
        [sys.executable, __file__, str(port)],
        cwd=ROOT,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=20)


if __name__ == "__main__":
    serve_targets(int(sys.argv[1]))
