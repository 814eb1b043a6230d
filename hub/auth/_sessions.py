"""Server-side portal sessions. The cookie is a random id; everything else stays here."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import jwt
from sqlmodel import Session, select

from hub.crypto import FieldCipher
from hub.errors import HubError, TargetUnavailable
from hub.store import PortalSession
from hub.store._models import utcnow
from identity import Principal

COOKIE = "hub_session"
_PROFILE = "session.profile"
_TOKENS = "session.tokens"
_TOUCH_EVERY = timedelta(seconds=60)
_REFRESH_BEFORE = timedelta(seconds=60)  # refresh when the access token has less than this left


def _hash(cookie: str) -> str:
    return hashlib.sha256(cookie.encode()).hexdigest()


def open_session(
    *,
    session: Session,
    cipher: FieldCipher,
    principal: Principal,
    tokens: dict[str, Any],
    idle: timedelta,
) -> str:
    cookie = secrets.token_urlsafe(32)
    profile = _profile(principal)
    kept = {k: tokens.get(k) for k in ("access_token", "refresh_token", "id_token")}
    now = utcnow()
    session.add(
        PortalSession(
            id_hash=_hash(cookie),
            subject=principal.subject,
            username=principal.username,
            profile_enc=cipher.encrypt(json.dumps(profile, ensure_ascii=False), context=_PROFILE),
            tokens_enc=cipher.encrypt(json.dumps(kept), context=_TOKENS),
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen=now,
            expires_at=now + idle,
        )
    )
    return cookie


def load_session(
    *, session: Session, cipher: FieldCipher, cookie: str, idle: timedelta
) -> tuple[PortalSession, Principal] | None:
    row = session.get(PortalSession, _hash(cookie))
    if row is None:
        return None
    now = utcnow()
    if now >= row.expires_at:
        session.delete(row)
        return None
    if now - row.last_seen >= _TOUCH_EVERY:  # sliding idle timeout, without a write per request
        row.last_seen, row.expires_at = now, now + idle
        session.add(row)
    return row, _principal(json.loads(cipher.decrypt(row.profile_enc, context=_PROFILE)))


def refresh_if_due(
    *,
    session: Session,
    cipher: FieldCipher,
    row: PortalSession,
    refresh: Callable[[str], dict[str, Any] | None],
    validate: Callable[[str], Principal],
    now: datetime | None = None,
) -> bool:
    """Refresh her tokens when the access token is about to expire; False when Keycloak has
    ended her single sign-on session (the hub session is then deleted: she logs in again).

    Refreshing keeps Keycloak's session alive while she works in the hub, and picks up role or
    community changes within one access-token lifetime. If Keycloak cannot be reached the
    session simply carries on with what it has.
    """
    tokens = json.loads(cipher.decrypt(row.tokens_enc, context=_TOKENS))
    access, refresh_token = tokens.get("access_token"), tokens.get("refresh_token")
    if not access or not refresh_token:
        return True
    expires = jwt.decode(access, options={"verify_signature": False}).get("exp", 0)
    moment = now or utcnow()
    if expires - moment.timestamp() > _REFRESH_BEFORE.total_seconds():
        return True
    try:
        fresh = refresh(refresh_token)
    except TargetUnavailable:
        return True
    if fresh is None:
        session.delete(row)
        return False
    try:
        principal = validate(fresh["access_token"])
    except HubError:
        return True  # keys unreachable or odd token: keep the session as it was
    kept = {k: fresh.get(k) or tokens.get(k) for k in ("access_token", "refresh_token", "id_token")}
    row.tokens_enc = cipher.encrypt(json.dumps(kept), context=_TOKENS)
    row.profile_enc = cipher.encrypt(
        json.dumps(_profile(principal), ensure_ascii=False), context=_PROFILE
    )
    session.add(row)
    return True


def access_token_of(*, cipher: FieldCipher, row: PortalSession) -> str | None:
    """Her current access token (refreshed by the request's dependency when due)."""
    tokens = json.loads(cipher.decrypt(row.tokens_enc, context=_TOKENS))
    token = tokens.get("access_token")
    return token if isinstance(token, str) else None


def end_sessions_of(*, session: Session, cipher: FieldCipher, subject: str) -> list[Principal]:
    """Delete every hub session of this Keycloak user (back-channel logout); return whose
    sessions ended (one entry per session)."""
    rows = session.exec(select(PortalSession).where(PortalSession.subject == subject)).all()
    ended = []
    for row in rows:
        ended.append(_principal(json.loads(cipher.decrypt(row.profile_enc, context=_PROFILE))))
        session.delete(row)
    return ended


def close_session(*, session: Session, cipher: FieldCipher, cookie: str) -> str | None:
    """End the session; return its ID token for Keycloak's logout hint."""
    row = session.get(PortalSession, _hash(cookie))
    if row is None:
        return None
    tokens = json.loads(cipher.decrypt(row.tokens_enc, context=_TOKENS))
    session.delete(row)
    id_token: str | None = tokens.get("id_token")
    return id_token


def _profile(principal: Principal) -> dict[str, Any]:
    return {
        "subject": principal.subject,
        "username": principal.username,
        "name": principal.name,
        "roles": sorted(principal.roles),
        "community_code": principal.community_code,
        "region_code": principal.region_code,
    }


def _principal(profile: dict[str, Any]) -> Principal:
    return Principal(
        subject=profile["subject"],
        username=profile["username"],
        name=profile["name"],
        roles=frozenset(profile["roles"]),
        community_code=profile["community_code"],
        region_code=profile.get("region_code"),
    )
