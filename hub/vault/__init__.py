"""The credential vault's cryptography: envelope encryption with named, rotatable master keys.

What it keeps (workers' own accounts at downstream systems) lives in the community store
(``hub.store``: Credential, CredentialUse); the master keys come from ``HUB_VAULT__KEKS``.
"""

from hub.vault._envelope import DataKey, Vault, VaultError, WrappedKey

__all__ = ["DataKey", "Vault", "VaultError", "WrappedKey"]
