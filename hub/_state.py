"""What the running hub holds: built once at start-up, reached through request dependencies."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from temporalio.client import Client

from connectors.sdk import Connector
from hub.auth import OidcClient
from hub.crypto import FieldCipher
from hub.settings import Settings
from hub.vault import Vault
from identity import TokenValidator
from workflows.codec import EncryptionCodec


@dataclass
class HubState:
    settings: Settings
    engine: Engine
    cipher: FieldCipher
    vault: Vault
    validator: TokenValidator
    oidc: OidcClient
    connectors: dict[str, Connector]
    codec: EncryptionCodec  # Temporal payloads' keys, for the codec endpoint (hub/api/_codec.py)
    temporal: Client | None = None
