"""Field encryption for personal data at rest, and blind indexes to find it again.

Ciphertext layout (text, so it fits any column): ``<key id>:<base64(nonce || AES-GCM ct)>``.
The key id travels with the data so a key can be rotated while old rows still decrypt.
A blind index is HMAC-SHA256 of a normalised value: equal inputs give equal indexes, and the
index reveals nothing without the key. The audit log's chain is HMAC-SHA256 under a key of its own.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hub.errors import ConfigurationError

_NONCE_BYTES = 12


class FieldCipher:
    def __init__(
        self,
        *,
        keys: dict[str, str],
        current_key: str,
        blind_index_key: str,
        audit_key: str | None = None,
    ) -> None:
        if any(not kid or ":" in kid for kid in keys):
            raise ConfigurationError("crypto key ids must be non-empty and contain no ':'")
        if current_key not in keys:
            raise ConfigurationError(f"current crypto key {current_key!r} is not in the keyring")
        self._aeads = {kid: AESGCM(_key_bytes(kid, value)) for kid, value in keys.items()}
        self._current = current_key
        self._index_key = _key_bytes("blind_index_key", blind_index_key)
        self._audit_key = _key_bytes("audit_key", audit_key) if audit_key else None

    @property
    def current_key_id(self) -> str:
        """The key new values are encrypted with."""
        return self._current

    @staticmethod
    def key_id(token: str | bytes) -> str:
        """The id of the key a ciphertext (text or bytes) was encrypted with."""
        if isinstance(token, bytes):
            return token.partition(b":")[0].decode()
        return token.partition(":")[0]

    def encrypt(self, plaintext: str, *, context: str = "") -> str:
        nonce = os.urandom(_NONCE_BYTES)
        ct = self._aeads[self._current].encrypt(nonce, plaintext.encode(), context.encode())
        return f"{self._current}:{base64.b64encode(nonce + ct).decode()}"

    def decrypt(self, token: str, *, context: str = "") -> str:
        kid, _, body = token.partition(":")
        aead = self._aeads.get(kid)
        if aead is None:
            raise ConfigurationError(f"no key {kid!r} in the keyring to decrypt with")
        raw = base64.b64decode(body)
        return aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode()).decode()

    def encrypt_bytes(self, data: bytes, *, context: str = "") -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        ct = self._aeads[self._current].encrypt(nonce, data, context.encode())
        return self._current.encode() + b":" + nonce + ct

    def decrypt_bytes(self, blob: bytes, *, context: str = "") -> bytes:
        kid, _, raw = blob.partition(b":")
        aead = self._aeads.get(kid.decode())
        if aead is None:
            raise ConfigurationError(f"no key {kid.decode()!r} in the keyring to decrypt with")
        return aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode())

    def blind_index(self, value: str, *, purpose: str) -> str:
        normalised = value.strip().upper()
        mac = hmac.new(self._index_key, f"{purpose}\x00{normalised}".encode(), hashlib.sha256)
        return mac.hexdigest()

    def audit_mac(self, message: bytes) -> str:
        """HMAC-SHA256 of one audit-log entry (hub.store.audit): a link only the key can forge."""
        if self._audit_key is None:
            raise ConfigurationError("no audit key (HUB_CRYPTO__AUDIT_KEY) for the audit log")
        return hmac.new(self._audit_key, message, hashlib.sha256).hexdigest()


def _key_bytes(name: str, value: str) -> bytes:
    raw = base64.b64decode(value)
    if len(raw) != 32:
        raise ConfigurationError(f"crypto key {name!r} must be 32 bytes, base64-encoded")
    return raw
