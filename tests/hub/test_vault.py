"""Envelope encryption: a data key per secret, wrapped by a named master key that can rotate."""

from __future__ import annotations

import base64
import dataclasses

import pytest

from hub.errors import ConfigurationError
from hub.settings import DEV_VAULT_KEK, Settings, VaultSettings
from hub.vault import Vault, VaultError, WrappedKey
from tests.factories import fake_key

V1, V2 = fake_key(11), fake_key(12)
OLD = Vault(keks={"v1": V1}, current_kek="v1")
ROTATING = Vault(keks={"v1": V1, "v2": V2}, current_kek="v2")
NEW_ONLY = Vault(keks={"v2": V2}, current_kek="v2")
AAD = "vault.credential\x00secret\x00c-1\x00worker-a\x00civil_affairs"
PASSWORD = "Wanghong-2026!𠮷"


def _flip(text: str, at: int) -> str:
    raw = bytearray(base64.b64decode(text))
    raw[at] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def test_a_secret_round_trips_through_its_wrapped_data_key() -> None:
    dek, wrapped = OLD.new_data_key()
    sealed = dek.encrypt(PASSWORD, aad=AAD)

    assert OLD.open_data_key(wrapped).decrypt(sealed, aad=AAD) == PASSWORD
    assert wrapped.kek_id == "v1"
    assert len(base64.b64decode(wrapped.wrapped)) == 40  # RFC 3394: 32-byte key + 8
    assert PASSWORD.encode() not in base64.b64decode(sealed)


def test_every_credential_gets_a_fresh_data_key_and_nonce() -> None:
    (dek1, wrapped1), (dek2, wrapped2) = OLD.new_data_key(), OLD.new_data_key()

    assert wrapped1.wrapped != wrapped2.wrapped
    assert dek1.encrypt(PASSWORD, aad=AAD) != dek1.encrypt(PASSWORD, aad=AAD)
    with pytest.raises(VaultError):
        dek2.decrypt(dek1.encrypt(PASSWORD, aad=AAD), aad=AAD)


@pytest.mark.parametrize(
    "other_aad",
    [
        AAD.replace("worker-a", "worker-b"),  # another worker's row
        AAD.replace("civil_affairs", "other_system"),
        AAD.replace("c-1", "c-2"),  # another credential of hers
        AAD.replace("secret", "login"),  # the login name's slot
    ],
)
def test_a_secret_does_not_open_under_other_associated_data(other_aad: str) -> None:
    dek, _ = OLD.new_data_key()
    sealed = dek.encrypt(PASSWORD, aad=AAD)

    with pytest.raises(VaultError):
        dek.decrypt(sealed, aad=other_aad)


def test_a_tampered_wrapped_key_is_refused() -> None:
    _, wrapped = OLD.new_data_key()

    for at in (0, 20, 39):
        tampered = WrappedKey(wrapped.kek_id, _flip(wrapped.wrapped, at))
        with pytest.raises(VaultError, match="did not unwrap"):
            OLD.open_data_key(tampered)


def test_a_wrapped_key_under_another_master_key_is_refused() -> None:
    _, wrapped = OLD.new_data_key()
    liar = Vault(keks={"v1": V2}, current_kek="v1")  # same id, different key

    with pytest.raises(VaultError):
        liar.open_data_key(wrapped)


def test_a_tampered_secret_is_refused() -> None:
    dek, _ = OLD.new_data_key()
    sealed = dek.encrypt(PASSWORD, aad=AAD)

    with pytest.raises(VaultError):
        dek.decrypt(_flip(sealed, 14), aad=AAD)
    with pytest.raises(VaultError):
        dek.decrypt("not base64!", aad=AAD)


def test_rewrapping_changes_only_the_wrapping_and_the_old_kek_can_then_go() -> None:
    dek, wrapped = OLD.new_data_key()
    sealed = dek.encrypt(PASSWORD, aad=AAD)

    rewrapped = ROTATING.rewrap(wrapped)

    assert rewrapped.kek_id == "v2" and rewrapped.wrapped != wrapped.wrapped
    # The secret was not touched, and opens with the new master key alone.
    assert NEW_ONLY.open_data_key(rewrapped).decrypt(sealed, aad=AAD) == PASSWORD
    with pytest.raises(VaultError, match="no vault key 'v1'"):
        NEW_ONLY.open_data_key(wrapped)


def test_nothing_secret_shows_in_a_repr() -> None:
    dek, _ = OLD.new_data_key()

    assert "hidden" in repr(dek)
    assert V1 not in repr(OLD) and "v1" in repr(OLD)


@pytest.mark.parametrize(
    ("keks", "current"),
    [({"v1": V1}, "v2"), ({"v1": "too-short"}, "v1"), ({"": V1}, "")],
)
def test_bad_key_configuration_is_refused(keks: dict[str, str], current: str) -> None:
    with pytest.raises(ConfigurationError):
        Vault(keks=keks, current_kek=current)


def test_the_development_master_key_is_refused_in_production() -> None:
    # Other placeholders are refused too; what matters here is whether the vault's is named.
    with pytest.raises(ValueError, match="HUB_VAULT__KEKS"):
        Settings(environment="production")
    with pytest.raises(ValueError) as others_only:
        Settings(environment="production", vault=VaultSettings(keks={"v1": V1}))
    assert "HUB_VAULT__KEKS" not in str(others_only.value)
    assert DEV_VAULT_KEK in VaultSettings().keks.values()  # what development runs with


def test_wrapped_keys_are_plain_values() -> None:
    _, wrapped = OLD.new_data_key()
    assert dataclasses.asdict(wrapped) == {"kek_id": "v1", "wrapped": wrapped.wrapped}
