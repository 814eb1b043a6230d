"""A workflow's history as text a test can search for secrets.

Temporal's JSON form of a history keeps every payload (workflow and activity inputs and results,
heartbeat details, failure details) base64-encoded, so searching it as it comes finds nothing
there whatever it holds. Here each payload is decoded and, when it is JSON, written out again
without escapes, so a Chinese name is found as the characters it is.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from temporalio.client import WorkflowHistory


def history_text(history: WorkflowHistory) -> str:
    raw = history.to_json_dict()
    decoded: list[str] = []
    _walk(raw, decoded)
    return "\n".join([json.dumps(raw, ensure_ascii=False), *decoded])


def _walk(node: Any, decoded: list[str]) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("metadata"), dict) and isinstance(node.get("data"), str):
            decoded.append(_payload(node["data"]))
        for value in node.values():
            _walk(value, decoded)
    elif isinstance(node, list):
        for value in node:
            _walk(value, decoded)


def _payload(data: str) -> str:
    try:
        text = base64.b64decode(data, validate=True).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return data
    try:
        return json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        return text
