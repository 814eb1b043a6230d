"""A workflow's history as text a test can search for secrets.

Temporal's JSON form of a history keeps every payload (workflow and activity inputs and results,
heartbeat details, failure details) base64-encoded, so searching it as it comes finds nothing
there whatever it holds. Here each payload is decoded and, when it is JSON, written out again
without escapes, so a Chinese name is found as the characters it is.

With payload encryption (workflows/codec.py) a history as stored holds ciphertext only:
``history_text`` shows what the server keeps, ``decoded_history_text`` what a client holding the
keys (or the hub's codec endpoint) reads.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from google.protobuf import json_format
from temporalio.api.common.v1 import Payload
from temporalio.client import Client, WorkflowHistory
from temporalio.converter import PayloadCodec


def history_text(history: WorkflowHistory) -> str:
    return _text(history.to_json_dict())


async def decoded_history_text(history: WorkflowHistory, codec: PayloadCodec) -> str:
    """The history with every payload passed through the codec's decode first (one call)."""
    raw = history.to_json_dict()
    found = _payloads(raw)
    decoded = await codec.decode([json_format.ParseDict(p, Payload()) for p in found])
    for node, payload in zip(found, decoded, strict=True):
        node.clear()
        node.update(json_format.MessageToDict(payload))
    return _text(raw)


def client_codec(client: Client) -> PayloadCodec:
    """The codec a client encrypts with (the session's, in tests/workflows/conftest.py)."""
    codec = client.data_converter.payload_codec
    assert codec is not None, "this client sends payloads in clear"
    return codec


#: What the SDK's core writes beside a local activity's result in its marker: sequence number,
#: attempt, activity id and type, times, backoff. No codec ever sees it (json/plain, temporalio
#: 1.35), and nothing in it is anyone's.
LOCAL_ACTIVITY_METADATA = frozenset(
    {
        "seq",
        "attempt",
        "activity_id",
        "activity_type",
        "complete_time",
        "backoff",
        "original_schedule_time",
        "activation_index",
    }
)


def payload_encodings(history: WorkflowHistory) -> list[str]:
    """Each payload's encoding as stored, leaving out what no codec ever touches: search
    attributes (the server indexes them), the ids of patches (the SDK writes those markers) and
    local activities' metadata (checked to be no more than LOCAL_ACTIVITY_METADATA; their
    results and failures are counted)."""
    raw = history.to_json_dict()
    for event in raw.get("events", []):
        marker = event.get("markerRecordedEventAttributes", {})
        if marker.get("markerName") == "core_local_activity":
            for payload in marker["details"].pop("data")["payloads"]:
                fields = set(json.loads(base64.b64decode(payload["data"])))
                assert fields <= LOCAL_ACTIVITY_METADATA, fields - LOCAL_ACTIVITY_METADATA
    return [
        base64.b64decode(p["metadata"]["encoding"]).decode()
        for p in _payloads(raw, skip=("searchAttributes", "patch-data"))
    ]


def _text(raw: dict[str, Any]) -> str:
    decoded = [_payload(p.get("data", "")) for p in _payloads(raw)]
    return "\n".join([json.dumps(raw, ensure_ascii=False), *decoded])


def _payloads(node: Any, skip: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Every payload in a history's JSON form, in order (the dicts themselves, to edit)."""
    if isinstance(node, list):
        return [p for value in node for p in _payloads(value, skip)]
    if not isinstance(node, dict):
        return []
    if isinstance(node.get("metadata"), dict) and "encoding" in node["metadata"]:
        return [node]
    return [p for key, value in node.items() if key not in skip for p in _payloads(value, skip)]


def _payload(data: str) -> str:
    try:
        text = base64.b64decode(data, validate=True).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return data
    try:
        return json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        return text
