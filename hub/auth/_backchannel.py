"""OpenID Connect back-channel logout: Keycloak tells the hub that her session has ended."""

from __future__ import annotations

import asyncio
import logging
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import JSONResponse, Response

from hub.auth._sessions import end_sessions_of
from hub.deps import SessionDep, StateDep
from hub.store import audit
from identity import InvalidToken

log = logging.getLogger(__name__)
router = APIRouter(prefix="/auth", include_in_schema=False)


@router.post("/backchannel-logout")
async def backchannel_logout(
    state: StateDep, session: SessionDep, logout_token: Annotated[str, Form()] = ""
) -> Response:
    """Called by Keycloak (server to server) when her single sign-on session ends: logout in
    another application, an administrator ending it, Keycloak's idle timeout.

    Every hub session of that user ends: the hub does not keep Keycloak's session ids, and a
    session of hers elsewhere that is still alive signs her back in without a password.
    """
    try:
        subject, _sid = await asyncio.to_thread(state.validator.logout_subject, logout_token)
    except InvalidToken as exc:
        log.warning("back-channel logout token rejected: %s", exc.reason)
        # OIDC Back-Channel Logout 2.8: 400 with an OAuth-style error body.
        return JSONResponse({"error": "invalid_request"}, status_code=400)
    ended = end_sessions_of(session=session, cipher=state.cipher, subject=subject)
    log.info("back-channel logout ended %d portal session(s)", len(ended))
    if ended:
        user = ended[0]
        audit.append(
            session,
            cipher=state.cipher,
            actor=user.username,
            roles=user.roles,
            action="logout",
            community_code=user.community_code,
            subject=f"user:{user.username}",
            detail={"via": "backchannel", "sessions": len(ended)},
        )
    # The spec asks for no caching of the answer.
    return Response(status_code=200, headers={"Cache-Control": "no-store"})
