"""The hub's FastAPI application: portal, REST API, login; one exception handler."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from connectors.sdk import load_connectors
from hub import submitting
from hub._state import HubState
from hub.api import _codec as codec_api
from hub.api import router as api_router
from hub.api._accounts import router as accounts_api_router
from hub.api._audit import router as audit_api_router
from hub.api._imports import router as imports_api_router
from hub.api._ops import router as ops_api_router
from hub.api._reports import router as reports_api_router
from hub.api._things import router as things_api_router
from hub.auth import OidcClient
from hub.auth._backchannel import router as backchannel_router
from hub.auth._routes import router as auth_router
from hub.crypto import FieldCipher
from hub.errors import HubError, InvalidInput, Unauthenticated, chinese_field_errors
from hub.portal import router as portal_router
from hub.portal import templates
from hub.portal._accounts import router as accounts_portal_router
from hub.portal._audit import router as audit_portal_router
from hub.portal._edits import router as edits_portal_router
from hub.portal._events import router as events_portal_router
from hub.portal._forms_admin import router as forms_admin_router
from hub.portal._human import router as human_portal_router
from hub.portal._imports import router as imports_portal_router
from hub.portal._ops import router as ops_portal_router
from hub.portal._relogin import router as relogin_portal_router
from hub.portal._reports import router as reports_portal_router
from hub.portal._requests import router as requests_portal_router
from hub.portal._things import router as things_portal_router
from hub.portal._vehicles import router as vehicles_portal_router
from hub.settings import Settings, get_settings
from hub.store import make_engine
from hub.vault import Vault
from identity import TokenValidator
from workflows.codec import EncryptionCodec

log = logging.getLogger(__name__)


def build_state(settings: Settings) -> HubState:
    kc, t = settings.keycloak, settings.temporal
    return HubState(
        settings=settings,
        engine=make_engine(settings.database_url),
        cipher=FieldCipher(**settings.crypto.model_dump()),
        vault=Vault(keks=settings.vault.keks, current_kek=settings.vault.current_kek),
        validator=TokenValidator(issuer=kc.issuer, audience=kc.client_id),
        oidc=OidcClient(
            issuer=kc.issuer,
            client_id=kc.client_id,
            client_secret=kc.client_secret,
            redirect_uri=f"{settings.hub.url}/auth/callback",
        ),
        connectors=load_connectors(),
        codec=EncryptionCodec(keys=t.codec_keys, current=t.codec_current_key),
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    state = build_state(settings or get_settings())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state.temporal = await submitting.connect_temporal(state.settings.temporal)
        yield

    app = FastAPI(title="社区一表通 Hub", lifespan=lifespan)
    app.state.hub = state
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "portal" / "static"))
    app.include_router(auth_router)
    app.include_router(backchannel_router)
    app.include_router(api_router)
    app.include_router(reports_api_router)
    app.include_router(imports_api_router)
    app.include_router(things_api_router)
    app.include_router(accounts_api_router)
    app.include_router(audit_api_router)
    app.include_router(ops_api_router)
    app.include_router(portal_router)
    app.include_router(reports_portal_router)
    app.include_router(relogin_portal_router)
    app.include_router(human_portal_router)
    app.include_router(imports_portal_router)
    app.include_router(things_portal_router)
    app.include_router(vehicles_portal_router)
    app.include_router(edits_portal_router)
    app.include_router(events_portal_router)
    app.include_router(accounts_portal_router)
    app.include_router(audit_portal_router)
    codec_api.install(app, state.settings)
    app.include_router(ops_portal_router)
    app.include_router(forms_admin_router)
    app.include_router(requests_portal_router)
    app.add_exception_handler(HubError, _handle_hub_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _handle_invalid_request)  # type: ignore[arg-type]

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, bool]:
        return {"ok": True}

    return app


async def _handle_invalid_request(request: Request, exc: RequestValidationError) -> Response:
    """Malformed API bodies get the same shape as every other error, with Chinese messages."""
    # loc starts with where the value came from (body, query…); the rest names the field.
    errors = chinese_field_errors(exc.errors(), skip=1)
    return await _handle_hub_error(request, InvalidInput("request validation", field_errors=errors))


async def _handle_hub_error(request: Request, exc: HubError) -> Response:
    """The one place project errors become HTTP responses (JSON for the API, pages otherwise)."""
    if exc.status_code >= 500:
        log.error("%s on %s: %s", type(exc).__name__, request.url.path, exc.detail)
    if request.url.path.startswith(("/api/", codec_api.PREFIX + "/")):
        body: dict[str, object] = {"error": type(exc).__name__, "message": exc.user_message}
        if getattr(exc, "field_errors", None):
            body["field_errors"] = exc.field_errors  # type: ignore[attr-defined]
        return JSONResponse(body, status_code=exc.status_code)
    if isinstance(exc, Unauthenticated) and request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/auth/login?next={quote(target)}", status_code=303)
    page: HTMLResponse = templates.TemplateResponse(
        request,
        "error.html",
        {"user": None, "title": "无法完成操作", "message": exc.user_message, "csrf_token": ""},
        status_code=exc.status_code,
    )
    return page
