import base64

import pytest
from cryptography.exceptions import InvalidTag

from hub.crypto import FieldCipher
from hub.errors import ConfigurationError
from hub.settings import CryptoSettings, Settings
from tests.factories import fake_key

K1, K2, INDEX = fake_key(1), fake_key(2), fake_key(9)


def keyring(
    keys: dict[str, str] | None = None, current: str = "k1", index: str = INDEX
) -> FieldCipher:
    return FieldCipher(keys=keys or {"k1": K1}, current_key=current, blind_index_key=index)


@pytest.mark.parametrize("text", ["王建国", "𠮷祥英", "谢𪚥芬", "", "320206194203150204"])
def test_text_survives_a_round_trip_including_characters_outside_the_bmp(text: str) -> None:
    c = keyring()
    token = c.encrypt(text, context="resident.name")
    assert c.decrypt(token, context="resident.name") == text


def test_ciphertext_names_its_key_and_hides_the_text() -> None:
    token = keyring().encrypt("𠮷祥英", context="resident.name")
    kid, _, body = token.partition(":")
    assert kid == "k1"
    assert "𠮷祥英".encode() not in base64.b64decode(body)


def test_same_text_encrypts_differently_each_time() -> None:
    c = keyring()
    assert c.encrypt("王建国") != c.encrypt("王建国")


def test_rotated_keyring_still_decrypts_old_rows_and_encrypts_with_the_new_key() -> None:
    old = keyring({"k1": K1}, current="k1").encrypt("𠮷祥英", context="ctx")
    rotated = keyring({"k1": K1, "k2": K2}, current="k2")

    assert rotated.decrypt(old, context="ctx") == "𠮷祥英"
    new = rotated.encrypt("𠮷祥英", context="ctx")
    assert new.startswith("k2:")
    # k2 really is a different key: a keyring that only knows k1 under the name k2 cannot read it
    with pytest.raises(InvalidTag):
        keyring({"k2": K1}, current="k2").decrypt(new, context="ctx")


def test_rotated_keyring_decrypts_old_bytes() -> None:
    old = keyring({"k1": K1}).encrypt_bytes(b"%PDF receipt", context="evidence")
    rotated = keyring({"k1": K1, "k2": K2}, current="k2")
    assert rotated.decrypt_bytes(old, context="evidence") == b"%PDF receipt"
    assert rotated.encrypt_bytes(b"x", context="evidence").startswith(b"k2:")


def test_tampered_ciphertext_is_refused() -> None:
    c = keyring()
    kid, _, body = c.encrypt("王建国", context="ctx").partition(":")
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 0x01
    with pytest.raises(InvalidTag):
        c.decrypt(f"{kid}:{base64.b64encode(bytes(raw)).decode()}", context="ctx")


def test_tampered_bytes_are_refused() -> None:
    c = keyring()
    blob = bytearray(c.encrypt_bytes(b"screenshot", context="evidence"))
    blob[-1] ^= 0x01
    with pytest.raises(InvalidTag):
        c.decrypt_bytes(bytes(blob), context="evidence")


def test_ciphertext_moved_to_another_context_is_refused() -> None:
    c = keyring()
    token = c.encrypt("320206194203150204", context="resident.id_number")
    with pytest.raises(InvalidTag):
        c.decrypt(token, context="resident.name")
    blob = c.encrypt_bytes(b"receipt", context="evidence.blob")
    with pytest.raises(InvalidTag):
        c.decrypt_bytes(blob, context="submission.data")


def test_unknown_key_id_is_a_configuration_error() -> None:
    token = keyring({"k1": K1, "k2": K2}, current="k2").encrypt("王建国")
    blob = keyring({"k1": K1, "k2": K2}, current="k2").encrypt_bytes(b"x")
    with pytest.raises(ConfigurationError, match="k2"):
        keyring({"k1": K1}).decrypt(token)
    with pytest.raises(ConfigurationError, match="k2"):
        keyring({"k1": K1}).decrypt_bytes(blob)


def test_current_key_missing_from_the_keyring_is_refused() -> None:
    with pytest.raises(ConfigurationError):
        keyring({"k1": K1}, current="k2")


@pytest.mark.parametrize("length", [16, 31, 33])
def test_keys_that_are_not_32_bytes_are_refused(length: int) -> None:
    short = base64.b64encode(b"k" * length).decode()
    with pytest.raises(ConfigurationError):
        keyring({"k1": short})
    with pytest.raises(ConfigurationError):
        keyring(index=short)


def test_blind_index_is_deterministic_and_reveals_nothing() -> None:
    first = keyring().blind_index("32020619420315020X", purpose="resident.id_number")
    again = keyring().blind_index("32020619420315020X", purpose="resident.id_number")
    assert first == again
    assert len(first) == 64
    assert "32020619420315020" not in first


def test_blind_index_ignores_case_and_surrounding_whitespace() -> None:
    c = keyring()
    expected = c.blind_index("32020619420315020X", purpose="id")
    assert c.blind_index("  32020619420315020x\n", purpose="id") == expected
    assert c.blind_index("32020619420315020Y", purpose="id") != expected


def test_blind_index_differs_by_purpose() -> None:
    c = keyring()
    assert c.blind_index("王建国", purpose="resident.name") != c.blind_index(
        "王建国", purpose="resident.id_number"
    )


def test_blind_index_differs_by_key() -> None:
    assert keyring(index=fake_key(9)).blind_index("王建国", purpose="p") != keyring(
        index=fake_key(10)
    ).blind_index("王建国", purpose="p")


def test_key_ids_with_a_colon_are_refused_since_they_could_never_decrypt():
    with pytest.raises(ConfigurationError, match="no ':'"):
        FieldCipher(keys={"k:1": fake_key(1)}, current_key="k:1", blind_index_key=fake_key(2))


def _audited(audit_key: str | None) -> FieldCipher:
    return FieldCipher(
        keys={"k1": K1}, current_key="k1", blind_index_key=INDEX, audit_key=audit_key
    )


def test_audit_macs_depend_on_the_audit_key_alone():
    assert _audited(fake_key(3)).audit_mac(b"entry") == _audited(fake_key(3)).audit_mac(b"entry")
    assert _audited(fake_key(3)).audit_mac(b"entry") != _audited(fake_key(4)).audit_mac(b"entry")
    assert _audited(fake_key(3)).audit_mac(b"entry") != _audited(fake_key(3)).audit_mac(b"entrY")
    with pytest.raises(ConfigurationError, match="32 bytes"):
        _audited(base64.b64encode(b"short").decode())
    with pytest.raises(ConfigurationError, match="HUB_CRYPTO__AUDIT_KEY"):
        _audited(None).audit_mac(b"entry")


def test_the_development_audit_key_is_refused_in_production():
    with pytest.raises(ValueError, match="HUB_CRYPTO__AUDIT_KEY"):
        Settings(environment="production")
    with pytest.raises(ValueError) as others_only:
        Settings(environment="production", crypto=CryptoSettings(audit_key=fake_key(5)))
    assert "HUB_CRYPTO__AUDIT_KEY" not in str(others_only.value)
