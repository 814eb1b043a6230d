"""Envelope encryption: a fresh data key per credential, wrapped by a named master key.

Each credential gets its own random 256-bit data key (DEK). Its secrets are encrypted with AES-GCM
under the DEK, with associated data that names the credential, its owner and its system, so a
ciphertext copied into another row does not decrypt. The DEK is stored only wrapped by a
key-encryption key (KEK), with the KEK's id beside it. Rotating the KEK re-wraps 32-byte DEKs and
never touches the secrets.

The DEK is wrapped with AES key wrap (RFC 3394, NIST SP 800-38F) rather than AES-GCM: it is the
construction made for wrapping keys (what HSMs and cloud KMSs offer, so the KEK can move into one
later), it takes no nonce (none to repeat across every wrap a long-lived KEK ever makes), and its
integrity check refuses a wrapped key that was altered or is opened with the wrong KEK. It has no
associated data; binding to the owner is the secrets' job, and a DEK swapped in from another row
opens nothing but that row's own ciphertexts, which name another owner.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

from hub.errors import ConfigurationError

_NONCE_BYTES = 12
_KEY_BYTES = 32


class VaultError(ConfigurationError):
    """A vault key is missing, or a wrapped key or a secret does not open: an operator must look
    (wrong keys configured, or the stored values were altered)."""


@dataclass(frozen=True)
class WrappedKey:
    """A data key as stored: wrapped by the KEK named kek_id."""

    kek_id: str
    wrapped: str  # base64 of the RFC 3394 output (40 bytes for a 32-byte key)


class DataKey:
    """One credential's data key in clear, held only while sealing or opening its secrets."""

    __slots__ = ("_aead",)

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def __repr__(self) -> str:
        return "DataKey(<hidden>)"

    def encrypt(self, plaintext: str, *, aad: str) -> str:
        """base64(nonce || AES-GCM ciphertext and tag)."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), aad.encode())
        return base64.b64encode(nonce + sealed).decode()

    def decrypt(self, token: str, *, aad: str) -> str:
        raw = _b64(token)
        try:
            return self._aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], aad.encode()).decode()
        except InvalidTag:
            raise VaultError(
                "a vault secret did not decrypt: altered, or not this owner's"
            ) from None


class Vault:
    """The KEKs: the current one wraps new and rotated data keys, every one unwraps."""

    def __init__(self, *, keks: dict[str, str], current_kek: str) -> None:
        if any(not kid for kid in keks):
            raise ConfigurationError("vault key ids must be non-empty")
        if current_kek not in keks:
            raise ConfigurationError(f"current vault key {current_kek!r} is not in HUB_VAULT__KEKS")
        self._keks = {kid: _kek_bytes(kid, value) for kid, value in keks.items()}
        self._current = current_kek

    def __repr__(self) -> str:
        return f"Vault(current_kek={self._current!r}, keks={sorted(self._keks)!r})"

    @property
    def current_kek_id(self) -> str:
        return self._current

    def new_data_key(self) -> tuple[DataKey, WrappedKey]:
        """A fresh random data key, and how it is stored (wrapped by the current KEK)."""
        dek = os.urandom(_KEY_BYTES)
        return DataKey(dek), self._wrap(dek)

    def open_data_key(self, key: WrappedKey) -> DataKey:
        return DataKey(self._unwrap(key))

    def rewrap(self, key: WrappedKey) -> WrappedKey:
        """The same data key, wrapped by the current KEK: the secrets it sealed stay as they are."""
        return self._wrap(self._unwrap(key))

    def _wrap(self, dek: bytes) -> WrappedKey:
        wrapped = aes_key_wrap(self._keks[self._current], dek)
        return WrappedKey(kek_id=self._current, wrapped=base64.b64encode(wrapped).decode())

    def _unwrap(self, key: WrappedKey) -> bytes:
        kek = self._keks.get(key.kek_id)
        if kek is None:
            raise VaultError(f"no vault key {key.kek_id!r} in HUB_VAULT__KEKS to unwrap with")
        try:
            return aes_key_unwrap(kek, _b64(key.wrapped))
        except (InvalidUnwrap, ValueError):
            raise VaultError(f"a data key wrapped by {key.kek_id!r} did not unwrap") from None


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise VaultError("a vault value is not base64") from None


def _kek_bytes(kid: str, value: str) -> bytes:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != _KEY_BYTES:
        raise ConfigurationError(f"vault key {kid!r} must be 32 bytes, base64-encoded")
    return raw
