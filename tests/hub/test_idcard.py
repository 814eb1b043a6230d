from datetime import date

import pytest

from hub.errors import InvalidInput
from hub.idcard import (
    age_on,
    check_character,
    mask_id_number,
    mask_name,
    mask_phone,
    parse_id_number,
    validate_mobile,
)
from tests.factories import valid_id_number


@pytest.mark.parametrize(
    "id_number",
    # The worked examples printed in GB 11643-1999 itself; the first ends in X.
    ["11010519491231002X", "440524188001010014"],
)
def test_check_character_matches_the_standards_examples(id_number: str) -> None:
    assert check_character(id_number[:17]) == id_number[17]


def test_valid_id_number_gives_birth_date_and_sex() -> None:
    assert parse_id_number("11010519491231002X") == ("11010519491231002X", date(1949, 12, 31), "2")
    assert parse_id_number("440524188001010014") == ("440524188001010014", date(1880, 1, 1), "1")


def test_lower_case_x_and_surrounding_spaces_are_normalised() -> None:
    assert parse_id_number(" 11010519491231002x ")[0] == "11010519491231002X"


@pytest.mark.parametrize("id_number", ["110105194912310021", "440524188001010015"])
def test_wrong_check_character_is_refused(id_number: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_id_number(id_number)
    assert exc.value.user_message == "公民身份号码校验位错误"


def test_x_where_a_digit_is_due_is_refused() -> None:
    with pytest.raises(InvalidInput, match="check character"):
        parse_id_number("44052418800101001X")


@pytest.mark.parametrize(
    "id_number",
    [
        "11010519491231002",  # 17 characters
        "11010519491231002XX",
        "1101051949123100X2",  # X not last
        "11010519491231002Y",
        "",
        # Full-width digits: int() reads them, so a \d pattern would let this through and store
        # it beside, and not deduplicated against, the ASCII form.
        "１１０１０５１９４９１２３１００２X",
    ],
)
def test_badly_shaped_id_number_is_refused(id_number: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_id_number(id_number)
    assert exc.value.user_message == "公民身份号码应为18位（最后一位可为X）"


@pytest.mark.parametrize("birth", ["19450230", "19430229", "19451301", "19450000", "00000101"])
def test_impossible_birth_date_is_refused_even_with_a_correct_check_character(birth: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_id_number(valid_id_number(birth, "1"))
    assert exc.value.user_message == "公民身份号码中的出生日期无效"


def test_leap_day_birth_is_accepted() -> None:
    assert parse_id_number(valid_id_number("19360229", "2"))[1] == date(1936, 2, 29)


@pytest.mark.parametrize(
    ("seventeenth", "sex"),
    [("1", "1"), ("3", "1"), ("9", "1"), ("0", "2"), ("2", "2"), ("8", "2")],
)
def test_sex_follows_the_parity_of_the_seventeenth_digit(seventeenth: str, sex: str) -> None:
    first17 = "3202061942031502" + seventeenth
    assert parse_id_number(first17 + check_character(first17))[2] == sex


def test_mobile_number_is_stripped_and_accepted() -> None:
    assert validate_mobile(" 13912345678 ") == "13912345678"


@pytest.mark.parametrize(
    "phone",
    ["12912345678", "1391234567", "139123456789", "1391234567a", "13９１２３４５６７８", ""],
)
def test_malformed_mobile_number_is_refused(phone: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        validate_mobile(phone)
    assert exc.value.user_message == "手机号码应为以1开头的11位数字"


def test_id_number_mask_keeps_region_prefix_and_last_four() -> None:
    assert mask_id_number("11010519491231002X") == "1101**********002X"


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("𠮷祥英", "𠮷*英"),  # 𠮷 is one character (outside the BMP), not two
        ("谢𪚥芬", "谢*芬"),
        ("王建国", "王*国"),
        ("王五", "王*"),
        ("𠮷英", "𠮷*"),
        ("李", "*"),
        ("欧阳建国", "欧**国"),
    ],
)
def test_name_mask_counts_characters_not_code_units(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_phone_mask_keeps_first_three_and_last_four() -> None:
    assert mask_phone("13912345678") == "139****5678"
    assert mask_phone("12345") == "****"


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (date(1946, 11, 25), date(2026, 11, 24), 79),  # the day before the birthday
        (date(1946, 11, 25), date(2026, 11, 25), 80),  # on the birthday
        (date(1946, 12, 31), date(2026, 1, 1), 79),
        (date(1936, 2, 29), date(2016, 2, 28), 79),  # leap-day birth, leap year
        (date(1936, 2, 29), date(2016, 2, 29), 80),
        (date(1936, 2, 29), date(2017, 2, 28), 80),  # non-leap year: a year older on 1 March
        (date(1936, 2, 29), date(2017, 3, 1), 81),
    ],
)
def test_age_turns_over_on_the_birthday(birth: date, day: date, age: int) -> None:
    assert age_on(birth, day) == age
