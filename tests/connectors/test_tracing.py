"""scrub_trace: a secret leaves a failure trace in every form it can take there."""

from __future__ import annotations

import io
import json
import zipfile
from urllib.parse import quote_plus

from connectors.sdk import SCRUBBED, scrub_trace

PASSWORD = 'Zhang"min-𠮷 1&2'  # a quote, a character beyond the BMP, a space, an ampersand
TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ3In0.c2ln"


def _trace(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as trace:
        for name, data in members.items():
            trace.writestr(name, data)
    return out.getvalue()


def _members(trace: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(trace)) as opened:
        return {name: opened.read(name) for name in opened.namelist()}


def test_every_form_of_a_secret_is_scrubbed_and_the_rest_kept() -> None:
    action = {"method": "fill", "params": {"selector": "#password", "value": PASSWORD}}
    header = {"name": "Authorization", "value": f"Bearer {TOKEN}"}
    original = {
        "trace.trace": json.dumps(action).encode(),  # non-ASCII escaped
        "trace.network": json.dumps(header, ensure_ascii=False).encode(),
        "resources/post-body": f"login=yuqi&password={quote_plus(PASSWORD)}".encode(),
        "resources/snapshot.html": f'<input value="{PASSWORD}">'.encode(),
        "resources/shot.jpeg": b"\xff\xd8\xff\xe0 not text",
    }

    scrubbed = _members(scrub_trace(_trace(original), [PASSWORD, TOKEN]))

    text = b"\n".join(scrubbed.values()).decode("utf-8", "replace")
    assert PASSWORD not in text and TOKEN not in text
    assert quote_plus(PASSWORD) not in text
    assert json.dumps(PASSWORD)[1:-1] not in text
    assert text.count(SCRUBBED) == 4
    assert "login=yuqi" in text and "#password" in text  # what is not secret stays
    assert scrubbed["resources/shot.jpeg"] == original["resources/shot.jpeg"]
    assert set(scrubbed) == set(original)


def test_nothing_to_scrub_leaves_the_trace_readable_as_it_was() -> None:
    original = {"trace.trace": b'{"method":"goto"}'}

    assert _members(scrub_trace(_trace(original), [])) == original
