"""Temporal payload encryption: what clients and workers send is AES-256-GCM encrypted before it
reaches the Temporal server, so its histories hold no application data in clear.

Each payload is serialised whole (metadata included, so even its encoding is hidden) and
encrypted under the current key; the result says which key id it was written with::

    metadata: {"encoding": "binary/encrypted", "encryption-key-id": "t1"}
    data:     12-byte random nonce || AES-GCM ciphertext (the key id is the associated data)

Rotation: encode with the current key, decode with any configured one. Payloads that are not
encrypted (histories written before the codec) pass through unchanged. Failures are converted
with their message and stack trace inside an encoded payload too ("Encoded failure" in clear).

Imports only temporalio, cryptography and the standard library: the hub, the worker, tests and
the hub's codec endpoint (hub/api/_codec.py) all use it.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import os
import threading
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import (
    DataConverter,
    DefaultFailureConverterWithEncodedAttributes,
    PayloadCodec,
)

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
_NONCE_BYTES = 12


class CodecError(ValueError):
    """A key is misconfigured, or a payload does not decrypt. Names key ids, never data."""


class _Nonces:
    """Random 96-bit nonces, read from the OS a few KiB at a time.

    One getrandom call per 341 payloads instead of one each: in some sandboxes a call costs
    ~0.2 ms, a tenth of a delivery's worker CPU. Still random nonces (no counter state to lose);
    a forked child draws its own (the pool is per process id), so no two ever share one.
    """

    _BATCH = _NONCE_BYTES * 341

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool = b""
        self._at = 0
        self._pid = 0

    def take(self) -> bytes:
        with self._lock:
            if self._at + _NONCE_BYTES > len(self._pool) or self._pid != os.getpid():
                self._pool, self._at, self._pid = os.urandom(self._BATCH), 0, os.getpid()
            nonce = self._pool[self._at : self._at + _NONCE_BYTES]
            self._at += _NONCE_BYTES
            return nonce


class EncryptionCodec(PayloadCodec):
    """AES-256-GCM over whole payloads, with key ids for rotation.

    keys: key id -> base64 of 32 random bytes; ``current`` encrypts, every key decrypts.
    """

    def __init__(self, *, keys: dict[str, str], current: str) -> None:
        if current not in keys:
            raise CodecError(f"current payload key {current!r} is not among the configured keys")
        self._aeads = {kid: AESGCM(_key_bytes(kid, value)) for kid, value in keys.items()}
        self.current = current
        self._nonces = _Nonces()

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._encrypt(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._decrypt(p) if p.metadata.get("encoding") == ENCODING else p for p in payloads]

    def _encrypt(self, payload: Payload) -> Payload:
        kid = self.current
        nonce = self._nonces.take()
        sealed = self._aeads[kid].encrypt(nonce, payload.SerializeToString(), kid.encode())
        return Payload(metadata={"encoding": ENCODING, KEY_ID: kid.encode()}, data=nonce + sealed)

    def _decrypt(self, payload: Payload) -> Payload:
        kid = payload.metadata.get(KEY_ID, b"").decode(errors="replace")
        aead = self._aeads.get(kid)
        if aead is None:
            raise CodecError(f"payload encrypted under key {kid!r}, which is not configured")
        nonce, sealed = payload.data[:_NONCE_BYTES], payload.data[_NONCE_BYTES:]
        try:
            return Payload.FromString(aead.decrypt(nonce, sealed, kid.encode()))
        except InvalidTag:
            raise CodecError(f"payload under key {kid!r} does not decrypt (altered?)") from None


def data_converter(keys: dict[str, str], current: str) -> DataConverter:
    """The pydantic data converter, encrypting payloads and failure messages with these keys."""
    return dataclasses.replace(
        pydantic_data_converter,
        payload_codec=EncryptionCodec(keys=keys, current=current),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


def _key_bytes(kid: str, value: str) -> bytes:
    if not kid:
        raise CodecError("payload key ids must not be empty")
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise CodecError(f"payload key {kid!r} is not base64") from None
    if len(raw) != 32:
        raise CodecError(f"payload key {kid!r} must be 32 bytes, not {len(raw)}")
    return raw
