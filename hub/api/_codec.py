"""Temporal's remote codec protocol, for operators: the Temporal UI (or `temporal --codec-endpoint`)
sends the encrypted payloads it holds here and shows what comes back in clear.

``POST /codec/decode`` and ``POST /codec/encode`` take and return the protobuf JSON of
``temporal.api.common.v1.Payloads`` (``{"payloads": [{"metadata": {k: base64}, "data": base64}]}``)
for the namespace the ``X-Namespace`` header names, which must be the hub's. Callers need the
realm's ``operator`` role, by bearer token or portal session; every decode is in the audit log
(how many payloads, never what they hold). The UI is another origin: CORS lets exactly its
origin call, with credentials.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, FastAPI, Header, Request, Response
from google.protobuf import json_format
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send
from temporalio.api.common.v1 import Payload, Payloads

from hub.deps import PortalSessionDep, SessionDep, StateDep, bearer_user
from hub.errors import Forbidden, InvalidInput, Unauthenticated
from hub.settings import Settings
from hub.store import audit
from identity import Principal
from workflows.codec import ENCODING, CodecError

PREFIX = "/codec"
ROLE = "operator"

router = APIRouter(prefix=PREFIX, tags=["codec"])


class BadCodecRequest(InvalidInput):
    status_code = 400
    user_message = "解码请求无效"


async def codec_operator(request: Request, state: StateDep, portal: PortalSessionDep) -> Principal:
    """An operator, by bearer token or portal session.

    The UI cannot send the portal's CSRF token: a session cookie counts only on requests whose
    Origin is the UI's or the hub's own (browsers always send it on such POSTs).
    """
    user = await bearer_user(request, state)
    if user is None:
        if portal is None:
            raise Unauthenticated("no session")
        allowed = {origin_of(state.settings.temporal.ui_url), origin_of(state.settings.hub.url)}
        if request.headers.get("origin") not in allowed:
            raise Forbidden("codec called with a session cookie from another origin")
        user = portal[1]
    if ROLE not in user.roles:
        raise Forbidden(f"role {ROLE} required")
    return user


Operator = Annotated[Principal, Depends(codec_operator)]
Namespace = Annotated[str | None, Header(alias="x-namespace")]


@router.post("/decode")
async def decode(
    request: Request,
    user: Operator,
    state: StateDep,
    session: SessionDep,
    namespace: Namespace = None,
) -> Response:
    """Payloads decrypted, for operators; each call is audited."""
    payloads = await _read(request, state.settings, namespace)
    decoded = await _apply(state.codec.decode, payloads)
    audit.append(
        session,
        cipher=state.cipher,
        actor=user.username,
        roles=user.roles,
        action="reveal",
        community_code=None,
        subject=f"temporal_namespace:{namespace}",
        detail={
            "what": "temporal_payloads",
            "payloads": len(payloads),
            "decrypted": sum(p.metadata.get("encoding") == ENCODING for p in payloads),
        },
    )
    return _answer(decoded)


@router.post("/encode")
async def encode(
    request: Request, user: Operator, state: StateDep, namespace: Namespace = None
) -> Response:
    """Payloads encrypted under the current key: what the UI sends (a signal's input)."""
    payloads = await _read(request, state.settings, namespace)
    return _answer(await _apply(state.codec.encode, payloads))


async def _read(request: Request, settings: Settings, namespace: str | None) -> list[Payload]:
    if namespace != settings.temporal.namespace:
        raise BadCodecRequest(f"namespace {namespace!r} is not the hub's")
    try:
        parsed = json_format.Parse(await request.body(), Payloads(), ignore_unknown_fields=True)
    except json_format.ParseError:
        raise BadCodecRequest("body is not Payloads JSON") from None
    return list(parsed.payloads)


async def _apply(
    step: Callable[[Sequence[Payload]], Awaitable[list[Payload]]], payloads: list[Payload]
) -> list[Payload]:
    try:
        return await step(payloads)
    except CodecError as exc:  # names a key id, never the data
        raise BadCodecRequest(str(exc), user_message=f"无法解密：{exc}") from None


def _answer(payloads: list[Payload]) -> Response:
    body = json_format.MessageToJson(Payloads(payloads=payloads), indent=None)
    return Response(body, media_type="application/json")


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class CodecCors:
    """CORS for the codec routes only: the Temporal UI's origin, with credentials. Preflights
    are answered here, before any login is asked for."""

    def __init__(self, app: ASGIApp, *, ui_origin: str) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=[ui_origin],
            allow_credentials=True,
            allow_methods=["POST"],
            allow_headers=["content-type", "x-namespace", "authorization"],
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(f"{PREFIX}/"):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def install(app: FastAPI, settings: Settings) -> None:
    """The routes, and CORS for the UI's origin."""
    app.include_router(router)
    app.add_middleware(CodecCors, ui_origin=origin_of(settings.temporal.ui_url))
