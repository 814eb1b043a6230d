"""Properties of ID numbers and field encryption, over generated inputs (hypothesis)."""

from datetime import date

import pytest
from cryptography.exceptions import InvalidTag
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hub.crypto import FieldCipher
from hub.errors import InvalidInput
from hub.idcard import parse_id_number
from tests.factories import fake_key

# No deadline: a test never asserts on wall-clock time, and CI machines are busy.
MODEST = settings(max_examples=150, deadline=None)

regions = st.text(alphabet="0123456789", min_size=6, max_size=6)
births = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
sequences = st.integers(min_value=0, max_value=999)
# Whitespace that str.strip() removes, the ideographic space of Chinese input methods among it.
padding = st.text(alphabet=" \t\r\n\u3000", max_size=3)


def iso7064_check(first17: str) -> str:
    """MOD 11-2 computed the other way the standard gives (recursively, no weight table)."""
    p = 0
    for digit in first17:
        p = (p + int(digit)) * 2 % 11
    return "0123456789X"[(12 - p) % 11]  # the value that makes the weighted sum 1 mod 11


def id_number(region: str, birth: date, seq: int) -> str:
    first17 = f"{region}{birth.year:04d}{birth.month:02d}{birth.day:02d}{seq:03d}"
    return first17 + iso7064_check(first17)


def cipher() -> FieldCipher:
    return FieldCipher(keys={"k1": fake_key(1)}, current_key="k1", blind_index_key=fake_key(9))


@MODEST
@given(regions, births, sequences)
@example("110105", date(1949, 12, 31), 2)  # GB 11643's worked example, 11010519491231002X
def test_id_number_with_a_correct_check_character_gives_its_birth_date_and_sex(
    region: str, birth: date, seq: int
) -> None:
    number = id_number(region, birth, seq)
    assert parse_id_number(number) == (number, birth, "1" if seq % 2 else "2")


@MODEST
@given(regions, births, sequences, st.integers(0, 17), st.characters(codec="utf-8"))
def test_any_single_character_change_to_a_valid_id_number_is_refused(
    region: str, birth: date, seq: int, position: int, replacement: str
) -> None:
    # MOD 11-2 catches every single substitution (11 is prime and no weight is 0 mod 11), so a
    # change is refused outright, not merely read as another birth date or sex.
    number = id_number(region, birth, seq)
    parse_id_number(number)  # accepted before the change
    if replacement.upper() == number[position]:
        replacement = "X" if number[position] != "X" else "0"
    changed = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(InvalidInput):
        parse_id_number(changed)


@MODEST
@given(st.text(), st.text())
@example("", "")
@example("\x00", "resident.name")
@example("𠮷祥英\x00谢𪚥芬", "resident.name")
def test_any_text_survives_a_round_trip_under_its_context_only(text: str, context: str) -> None:
    c = cipher()
    token = c.encrypt(text, context=context)
    assert c.decrypt(token, context=context) == text
    with pytest.raises(InvalidTag):
        c.decrypt(token, context=context + "\x00")


@MODEST
@given(st.binary(), st.text())
@example(b"", "")
@example(b"\x00:k1:", "evidence.blob")
def test_any_bytes_survive_a_round_trip_under_their_context_only(data: bytes, context: str) -> None:
    c = cipher()
    blob = c.encrypt_bytes(data, context=context)
    assert c.decrypt_bytes(blob, context=context) == data
    with pytest.raises(InvalidTag):
        c.decrypt_bytes(blob, context=context + "x")


@MODEST
@given(st.text(), st.binary())
@example("", b"")
def test_the_same_value_encrypts_differently_each_time(text: str, data: bytes) -> None:
    c = cipher()
    assert c.encrypt(text, context="ctx") != c.encrypt(text, context="ctx")
    assert c.encrypt_bytes(data, context="ctx") != c.encrypt_bytes(data, context="ctx")


@MODEST
@given(st.one_of(st.text(), st.from_regex(r"[0-9]{17}[0-9Xx]", fullmatch=True)), st.data())
def test_blind_index_is_the_same_for_case_and_whitespace_variants(
    value: str, data: st.DataObject
) -> None:
    # Only ASCII letters change case: the index is for ID numbers (x/X) and names, and full
    # Unicode case mapping is not a round trip ("ß".upper() is "SS").
    flips = data.draw(st.lists(st.booleans(), min_size=len(value), max_size=len(value)))
    pairs = zip(value, flips, strict=True)
    core = "".join(ch.swapcase() if flip and ch.isascii() else ch for ch, flip in pairs)
    variant = data.draw(padding) + core + data.draw(padding)
    c = cipher()
    assert c.blind_index(variant, purpose="p") == c.blind_index(value, purpose="p")
