import random
from datetime import date

import pytest

from simulators import _idcard, _rules


@pytest.mark.parametrize(
    "id_number",
    # The worked examples printed in GB 11643-1999 itself.
    ["11010519491231002X", "440524188001010014"],
)
def test_check_character_matches_the_standards_examples(id_number: str) -> None:
    assert _idcard.check_character(id_number[:17]) == id_number[17]
    assert _idcard.has_valid_check_character(id_number)


def test_every_completed_number_satisfies_iso_7064_mod_11_2() -> None:
    # The standard's own definition: with X worth 10, sum(a_i * 2^(18-i)) over all 18 characters
    # (i counted from 1) is congruent to 1 modulo 11. Independent of the weight table under test.
    rng = random.Random(11643)
    seen = set()
    for _ in range(2000):
        first17 = "".join(rng.choice("0123456789") for _ in range(17))
        check = _idcard.check_character(first17)
        values = [int(d) for d in first17] + [10 if check == "X" else int(check)]
        assert sum(v * 2 ** (17 - i) for i, v in enumerate(values)) % 11 == 1
        seen.add(check)
    assert len(seen) == 11  # every check character was exercised


@pytest.mark.parametrize(
    "id_number",
    ["110105194912310021", "11010519491231002x", "1101051949123100２X", "11010519491231002"],
)
def test_wrong_check_character_lower_case_x_and_odd_shapes_are_refused(id_number: str) -> None:
    assert not _idcard.has_valid_check_character(id_number)


def test_birth_date_is_read_from_digits_7_to_14() -> None:
    assert _idcard.birth_date_of("11010519491231002X") == date(1949, 12, 31)
    assert _idcard.birth_date_of("110105194902300000") is None


@pytest.mark.parametrize(
    ("birth", "applied", "expected"),
    [
        (date(1946, 11, 26), date(2026, 11, 25), None),  # 79, one day short
        (date(1946, 11, 25), date(2026, 11, 25), "80-89"),  # 80th birthday
        (date(1936, 11, 26), date(2026, 11, 25), "80-89"),  # still 89
        (date(1936, 11, 25), date(2026, 11, 25), "90-99"),
        (date(1926, 11, 25), date(2026, 11, 25), "100+"),
    ],
)
def test_allowance_type_follows_age_on_the_application_date(
    birth: date, applied: date, expected: str | None
) -> None:
    assert _rules.allowance_type_for(_rules.age_on(birth, applied)) == expected


def test_dates_must_be_written_yyyy_mm_dd() -> None:
    assert _rules.parse_date("2026-11-25") == date(2026, 11, 25)
    assert _rules.parse_date("20261125") is None
    assert _rules.parse_date("2026-02-30") is None
