"""Server-side portal sessions. The cookie is a random id; everything else stays here."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from hub.crypto import FieldCipher
from hub.store import PortalSession
from hub.store._models import utcnow
from identity import Principal

COOKIE = "hub_session"
_PROFILE = "session.profile"
_TOKENS = "session.tokens"
_TOUCH_EVERY = timedelta(seconds=60)


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
    profile = {
        "subject": principal.subject,
        "username": principal.username,
        "name": principal.name,
        "roles": sorted(principal.roles),
        "community_code": principal.community_code,
        "region_code": principal.region_code,
    }
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
    profile = json.loads(cipher.decrypt(row.profile_enc, context=_PROFILE))
    principal = Principal(
        subject=profile["subject"],
        username=profile["username"],
        name=profile["name"],
        roles=frozenset(profile["roles"]),
        community_code=profile["community_code"],
        region_code=profile.get("region_code"),
    )
    return row, principal


def close_session(*, session: Session, cipher: FieldCipher, cookie: str) -> str | None:
    """End the session; return its ID token for Keycloak's logout hint."""
    row = session.get(PortalSession, _hash(cookie))
    if row is None:
        return None
    tokens = json.loads(cipher.decrypt(row.tokens_enc, context=_TOKENS))
    session.delete(row)
    id_token: str | None = tokens.get("id_token")
    return id_token
