"""The hub's codec endpoint (hub/api/_codec.py): operators read in clear what the workers
encrypted for Temporal, as the Temporal UI asks for it; nobody else does, and each decode is
in the audit log without what it showed."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import pytest
from google.protobuf import json_format
from sqlalchemy import text
from temporalio.api.common.v1 import Payload, Payloads

from hub.auth import COOKIE, open_session
from hub.settings import DEV_TEMPORAL_CODEC_KEY, Settings, TemporalSettings
from hub.store import session_scope
from identity import Principal
from tests.factories import valid_id_number
from tests.hub.api.conftest import Api
from workflows.codec import data_converter

NAME, ID_NUMBER = "𠮷祥英", valid_id_number("19420315", "2", seq=31)
UI = "http://127.0.0.1:8233"  # the Temporal UI's origin with the default settings


def _namespace(api: Api) -> dict[str, str]:
    return {"X-Namespace": api.settings.temporal.namespace}


async def _as_the_worker_sends(api: Api, value: object) -> dict[str, Any]:
    """The JSON the UI posts: payloads as a worker with the hub's keys encrypted them."""
    t = api.settings.temporal
    payloads = await data_converter(t.codec_keys, t.codec_current_key).encode([value])
    return json_format.MessageToDict(Payloads(payloads=payloads))


def _values(answer: dict[str, Any]) -> list[Any]:
    parsed = json_format.ParseDict(answer, Payloads())
    return [json.loads(p.data) for p in parsed.payloads]


def _audit_rows(api: Api) -> list[Any]:
    with api.state.engine.connect() as connection:
        return list(
            connection.execute(text("SELECT actor, action, subject, detail FROM auditentry"))
        )


async def test_an_operator_reads_what_the_worker_encrypted_and_it_is_audited(api: Api):
    sent = await _as_the_worker_sends(api, {"name": NAME, "id_number": ID_NUMBER})
    assert NAME not in json.dumps(sent) and "binary/encrypted" not in json.dumps(sent)

    answer = api.client.post(
        "/codec/decode", json=sent, headers=api.as_operator() | _namespace(api)
    )

    assert answer.status_code == 200, answer.text
    assert _values(answer.json()) == [{"name": NAME, "id_number": ID_NUMBER}]
    [(actor, action, subject, detail)] = _audit_rows(api)
    assert (actor, action, subject) == ("operator", "reveal", "temporal_namespace:default")
    assert json.loads(detail) == {"what": "temporal_payloads", "payloads": 1, "decrypted": 1}
    assert NAME not in str(_audit_rows(api)) and ID_NUMBER not in str(_audit_rows(api))


async def test_what_the_ui_encodes_the_worker_reads(api: Api):
    plain = Payloads(
        payloads=[Payload(metadata={"encoding": b"json/plain"}, data=b'{"connector_id": "x"}')]
    )

    answer = api.client.post(
        "/codec/encode",
        json=json_format.MessageToDict(plain),
        headers=api.as_operator() | _namespace(api),
    )

    assert answer.status_code == 200, answer.text
    sealed = json_format.ParseDict(answer.json(), Payloads())
    assert sealed.payloads[0].metadata["encoding"] == b"binary/encrypted"
    t = api.settings.temporal
    worker = data_converter(t.codec_keys, t.codec_current_key)
    assert await worker.decode(sealed.payloads) == [{"connector_id": "x"}]
    assert _audit_rows(api) == []  # encoding reveals nothing


@pytest.mark.parametrize("roles", [["worker"], ["worker", "community_admin"], ["it_admin"]])
async def test_other_roles_are_refused(api: Api, roles: list[str]):
    sent = await _as_the_worker_sends(api, {"name": NAME})
    headers = api.mint.headers("someone", roles=roles, community="320206104001") | _namespace(api)

    answer = api.client.post("/codec/decode", json=sent, headers=headers)

    assert answer.status_code == 403
    assert NAME not in answer.text and _audit_rows(api) == []


async def test_without_a_login_the_answer_is_401(api: Api):
    sent = await _as_the_worker_sends(api, {"name": NAME})
    answer = api.client.post("/codec/decode", json=sent, headers=_namespace(api))
    assert answer.status_code == 401 and answer.json()["error"] == "Unauthenticated"


async def test_another_namespace_is_refused(api: Api):
    sent = await _as_the_worker_sends(api, {"name": NAME})
    for namespace in ({"X-Namespace": "elsewhere"}, {}):
        answer = api.client.post("/codec/decode", json=sent, headers=api.as_operator() | namespace)
        assert answer.status_code == 400 and NAME not in answer.text
    assert _audit_rows(api) == []


async def test_a_payload_under_an_unknown_key_is_refused_by_key_id(api: Api):
    stranger = data_converter({"x9": "MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE="}, "x9")
    sent = json_format.MessageToDict(Payloads(payloads=await stranger.encode([{"a": NAME}])))

    answer = api.client.post(
        "/codec/decode", json=sent, headers=api.as_operator() | _namespace(api)
    )

    assert answer.status_code == 400 and "x9" in answer.json()["message"]


def _portal_session(api: Api, roles: list[str]) -> None:
    principal = Principal(subject="op", username="op", name="op", roles=frozenset(roles))
    with session_scope(api.state.engine) as session:
        cookie = open_session(
            session=session,
            cipher=api.state.cipher,
            principal=principal,
            tokens={},
            idle=timedelta(minutes=30),
        )
    api.client.cookies.set(COOKIE, cookie)


async def test_the_ui_may_use_her_portal_session_but_other_sites_may_not(api: Api):
    sent = await _as_the_worker_sends(api, {"name": NAME})
    _portal_session(api, ["operator"])

    from_ui = api.client.post("/codec/decode", json=sent, headers={"Origin": UI} | _namespace(api))
    elsewhere = api.client.post(
        "/codec/decode", json=sent, headers={"Origin": "http://evil.example"} | _namespace(api)
    )
    no_origin = api.client.post("/codec/decode", json=sent, headers=_namespace(api))

    assert from_ui.status_code == 200 and _values(from_ui.json()) == [{"name": NAME}]
    assert from_ui.headers["access-control-allow-origin"] == UI
    assert from_ui.headers["access-control-allow-credentials"] == "true"
    assert (elsewhere.status_code, no_origin.status_code) == (403, 403)
    assert "access-control-allow-origin" not in elsewhere.headers


async def test_a_portal_session_without_the_operator_role_is_refused(api: Api):
    sent = await _as_the_worker_sends(api, {"name": NAME})
    _portal_session(api, ["it_admin"])
    answer = api.client.post("/codec/decode", json=sent, headers={"Origin": UI} | _namespace(api))
    assert answer.status_code == 403


def _preflight(api: Api, origin: str) -> Any:
    return api.client.options(
        "/codec/decode",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-namespace",
        },
    )


def test_the_ui_origin_passes_the_preflight_without_logging_in(api: Api):
    answer = _preflight(api, UI)

    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == UI
    assert answer.headers["access-control-allow-credentials"] == "true"
    allowed = answer.headers["access-control-allow-headers"].lower()
    assert {"content-type", "x-namespace", "authorization"} <= set(
        allowed.replace(" ", "").split(",")
    )


def test_other_origins_fail_the_preflight(api: Api):
    for origin in ("http://evil.example", "http://localhost:8233", "http://127.0.0.1:8000"):
        answer = _preflight(api, origin)
        assert answer.status_code == 400, origin
        assert "access-control-allow-origin" not in answer.headers


def test_the_rest_of_the_hub_sends_no_cors_headers(api: Api):
    answer = api.client.get("/healthz", headers={"Origin": UI})
    assert "access-control-allow-origin" not in answer.headers


def test_the_development_payload_key_is_refused_in_production():
    # Other placeholders are refused too; what matters here is whether the codec's is named.
    with pytest.raises(ValueError, match="HUB_TEMPORAL__CODEC_KEYS"):
        Settings(environment="production")
    own = TemporalSettings(codec_keys={"t1": base64.b64encode(b"p" * 32).decode()})
    with pytest.raises(ValueError) as others_only:
        Settings(environment="production", temporal=own)
    assert "HUB_TEMPORAL__CODEC_KEYS" not in str(others_only.value)
    assert DEV_TEMPORAL_CODEC_KEY in TemporalSettings().codec_keys.values()
