"""The transforms a target mapping applies: dates written in a target's format read back, codes
go to names and back, addresses split and join again, region codes truncate consistently."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from connectors.disability_allowance._mapping import region_chain
from hub.errors import ConfigurationError
from hub.forms._address import AddressParts, address_part, split_address
from hub.forms._transforms import (
    CODE_TABLES,
    REGION_LEVELS,
    TransformError,
    code_to_name,
    date_format_problem,
    format_date,
    join_values,
    map_code,
    name_to_code,
    parse_date,
    truncate_region,
)

# No deadline: a test never asserts on wall-clock time, and CI machines are busy.
MODEST = settings(max_examples=150, deadline=None)

# ---- dates ---------------------------------------------------------------------------------

dates = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
separators = st.sampled_from(["", "-", "/", ".", " ", "年", "月", "日", "%%", "号"])


@st.composite
def date_formats(draw: st.DrawFn) -> str:
    """A format with a year, a month and a day, in any order, padded or not, any separators."""
    directives = draw(
        st.permutations(
            ["%Y", draw(st.sampled_from(["%m", "%-m"])), draw(st.sampled_from(["%d", "%-d"]))]
        )
    )
    pieces = [draw(separators)]
    for directive in directives:
        pieces += [directive, draw(separators)]
    return "".join(pieces)


@MODEST
@given(day=dates, fmt=date_formats())
@example(day=date(2024, 3, 5), fmt="%Y年%m月%d日")
@example(day=date(2024, 3, 5), fmt="%Y年%-m月%-d日")
@example(day=date(2024, 12, 25), fmt="%Y%m%d")
@example(day=date(1936, 7, 8), fmt="%d/%m/%Y")
def test_a_date_written_in_any_supported_format_reads_back(day: date, fmt: str) -> None:
    assume(date_format_problem(fmt) is None)

    assert parse_date(format_date(day.isoformat(), fmt), fmt) == day


@pytest.mark.parametrize(
    ("fmt", "written"),
    [
        ("%Y-%m-%d", "2024-03-05"),
        ("%Y%m%d", "20240305"),
        ("%Y年%m月%d日", "2024年03月05日"),
        ("%Y年%-m月%-d日", "2024年3月5日"),
        ("%Y/%-m/%-d", "2024/3/5"),
        ("%Y年%m月", "2024年03月"),
        ("%Y%%%m", "2024%03"),
    ],
)
def test_dates_are_written_in_the_targets_format(fmt: str, written: str) -> None:
    assert date_format_problem(fmt) is None
    assert format_date("2024-03-05", fmt) == written


def test_a_year_before_1000_keeps_four_digits() -> None:
    assert format_date("0987-01-02", "%Y%m%d") == "09870102"


@pytest.mark.parametrize(
    ("fmt", "named"),
    [
        ("%Y-%m-%d %H:%M", "%H"),  # no time in a date
        ("%y%m%d", "%y"),  # a two-digit year cannot be read back
        ("年月日", "%Y"),  # no directive at all: every date would look the same
        ("%Y%-m%-d", "%-m"),  # 2024111 is 1月11日 or 11月1日
        ("%Y年%-m1", "%-m"),
        ("%Y-%m-%", "%"),
    ],
)
def test_a_date_format_it_cannot_write_or_read_back_is_a_problem(fmt: str, named: str) -> None:
    problem = date_format_problem(fmt)

    assert problem is not None
    assert named in problem


@pytest.mark.parametrize("iso", ["2024-02-30", "20240305", "2024-3-5", "2024-W10-1", ""])
def test_a_value_that_is_no_iso_date_is_refused_without_repeating_it(iso: str) -> None:
    with pytest.raises(TransformError) as exc:
        format_date(iso, "%Y%m%d")
    assert iso == "" or iso not in str(exc.value)


def test_an_unsupported_format_is_a_configuration_error_not_the_workers() -> None:
    with pytest.raises(ConfigurationError):
        format_date("2024-03-05", "%Y-%m-%d %H")


@pytest.mark.parametrize(
    ("text", "fmt"), [("2024-3-05", "%Y-%m-%d"), ("2024年2月30日", "%Y年%-m月%-d日")]
)
def test_parse_date_refuses_text_not_in_the_format_or_no_date(text: str, fmt: str) -> None:
    with pytest.raises(TransformError):
        parse_date(text, fmt)


# ---- codes ---------------------------------------------------------------------------------

table_codes = st.sampled_from(
    [(table, code) for table, pairs in CODE_TABLES.items() for code, _ in pairs]
)


@given(table_code=table_codes)
def test_code_to_name_to_code_is_the_identity_for_every_table(
    table_code: tuple[str, str],
) -> None:
    table, code = table_code

    assert name_to_code(table, code_to_name(table, code)) == code


@pytest.mark.parametrize("table", sorted(CODE_TABLES))
def test_every_code_table_has_unique_codes_and_names(table: str) -> None:
    codes, names = zip(*CODE_TABLES[table], strict=True)

    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)


@pytest.mark.parametrize(
    ("table", "code", "name"),
    [
        ("sex", "0", "未知的性别"),
        ("sex", "1", "男"),
        ("sex", "2", "女"),
        ("sex", "9", "未说明的性别"),
        ("ethnic", "01", "汉族"),
        ("ethnic", "56", "基诺族"),
        ("relation", "01", "本人"),
        ("relation", "02", "户主"),
        ("relation", "10", "配偶"),
        ("relation", "40", "孙子、孙女或外孙子、外孙女"),
        ("relation", "70", "兄、弟、姐、妹"),
        ("relation", "80", "其他"),
    ],
)
def test_standard_tables_hold_the_standards_codes(table: str, code: str, name: str) -> None:
    assert code_to_name(table, code) == name
    assert name_to_code(table, name) == code


def test_an_unknown_code_or_name_is_refused() -> None:
    with pytest.raises(TransformError, match="sex"):
        code_to_name("sex", "3")
    with pytest.raises(TransformError, match="sex"):
        name_to_code("sex", "男性")
    with pytest.raises(TransformError, match="map"):
        map_code({"1": "M", "2": "F"}, "9")


# ---- regions -------------------------------------------------------------------------------

region_codes = st.sampled_from([6, 9, 12]).flatmap(
    lambda size: st.text(alphabet="0123456789", min_size=size, max_size=size)
)
COARSE_TO_FINE = list(REGION_LEVELS)


def levels_within(code: str) -> list[str]:
    return [level for level in COARSE_TO_FINE if REGION_LEVELS[level] <= len(code)]


@MODEST
@given(code=region_codes)
@example(code="320206104001")
def test_truncating_a_region_code_is_idempotent(code: str) -> None:
    for level in levels_within(code):
        once = truncate_region(code, level)
        assert truncate_region(once, level) == once


@MODEST
@given(code=region_codes)
@example(code="320206104001")
def test_a_coarser_region_is_a_prefix_of_a_finer_one(code: str) -> None:
    levels = levels_within(code)
    for i, coarse in enumerate(levels):
        kept = REGION_LEVELS[coarse]
        for fine in levels[i:]:
            finer = truncate_region(code, fine)
            assert finer[:kept] == code[:kept]
            assert truncate_region(finer, coarse) == truncate_region(code, coarse)


@MODEST
@given(code=region_codes)
def test_province_city_and_county_codes_have_six_digits(code: str) -> None:
    for level in ("province", "city", "county"):
        truncated = truncate_region(code, level)
        assert len(truncated) == 6
        assert truncated == code[: REGION_LEVELS[level]].ljust(6, "0")


def test_region_levels_of_a_community_code() -> None:
    code = "320206104001"  # 玉祁社区, 惠山区, 无锡市, 江苏省
    assert [truncate_region(code, level) for level in COARSE_TO_FINE] == [
        "320000",
        "320200",
        "320206",
        "320206104",
        "320206104001",
    ]
    # The same codes the 两项补贴 robot picks in its region selects.
    city, county, township = region_chain(code[:9])
    assert (city, county, township) == tuple(
        truncate_region(code, level) for level in ("city", "county", "township")
    )


@pytest.mark.parametrize(
    ("code", "level"), [("320206", "township"), ("3202", "city"), ("32020a", "province")]
)
def test_a_region_code_too_short_or_not_digits_is_refused(code: str, level: str) -> None:
    with pytest.raises(TransformError):
        truncate_region(code, level)


# ---- addresses -----------------------------------------------------------------------------

PROVINCE_CITIES = [
    ("江苏省", "无锡市"),
    ("江苏省", "苏州市"),
    ("浙江省", "宁波市"),
    ("云南省", "大理白族自治州"),
    ("吉林省", "延边朝鲜族自治州"),
    ("黑龙江省", "大兴安岭地区"),
    ("内蒙古自治区", "锡林郭勒盟"),
    ("广西壮族自治区", "南宁市"),
    ("新疆维吾尔自治区", "克孜勒苏柯尔克孜自治州"),
    ("北京市", ""),  # a 直辖市 names no separate 市
    ("上海市", ""),
    ("重庆市", ""),
]
DISTRICTS = [
    "梁溪区",
    "惠山区",
    "镇海区",
    "市中区",
    "道里区",
    "宾川县",
    "乡宁县",
    "峨边彝族自治县",
    "江阴市",
    "锡林浩特市",
    "阿巴嘎旗",
    "浦东新区",
]
STREETS = ["", "崇安寺街道", "堰桥街道", "玉祁镇", "金牛镇", "黑竹沟镇", "某某乡", "宝力根苏木"]
ROADS = ["中山路", "人民路", "解放北路", "锡澄路", "学前街", "南池子大街", "幸福新村", "镇江路"]


@st.composite
def addresses(draw: st.DrawFn) -> AddressParts:
    province, city = draw(st.sampled_from(PROVINCE_CITIES))
    number = draw(st.integers(min_value=1, max_value=999))
    room = draw(st.sampled_from(["", f"{number % 30 + 1}幢", "3单元502室"]))
    detail = f"{draw(st.sampled_from(ROADS))}{number}号{room}"
    street = draw(st.sampled_from(STREETS))
    return AddressParts(province, city, draw(st.sampled_from(DISTRICTS)), street, detail)


@MODEST
@given(parts=addresses())
@example(parts=AddressParts("江苏省", "无锡市", "梁溪区", "崇安寺街道", "中山路5号"))
@example(parts=AddressParts("北京市", "", "东城区", "东华门街道", "南池子大街1号"))
def test_a_generated_address_splits_into_its_parts_and_joins_back(parts: AddressParts) -> None:
    address = "".join(parts)

    assert split_address(address) == parts
    assert join_values(split_address(address)) == address


@MODEST
@given(text=st.text(alphabet="江苏省无锡市梁溪区街道镇乡县路号12 ", max_size=30))
def test_any_text_splits_into_consecutive_pieces(text: str) -> None:
    assert "".join(split_address(text)) == text


@pytest.mark.parametrize(
    ("address", "parts"),
    [
        # No 区: a road's 小区 is no district.
        ("江苏省无锡市中山路5号小区", ("江苏省", "无锡市", "", "", "中山路5号小区")),
        # No 街道: the 镇 of 镇江路 is no town.
        ("江苏省无锡市梁溪区镇江路5号", ("江苏省", "无锡市", "梁溪区", "", "镇江路5号")),
        # No 区 either: the 镇 inside 玉祁镇工业园区 says it is a town's 园区.
        ("江苏省无锡市玉祁镇工业园区8号", ("江苏省", "无锡市", "", "玉祁镇", "工业园区8号")),
        ("河北省某县某乡某村", ("河北省", "", "某县", "某乡", "某村")),
        ("无锡市梁溪区中山路", ("", "无锡市", "梁溪区", "", "中山路")),
    ],
)
def test_a_level_the_address_leaves_out_is_empty(address: str, parts: tuple[str, ...]) -> None:
    assert tuple(split_address(address)) == parts


def test_the_city_of_a_municipality_is_the_municipality() -> None:
    address = "北京市东城区东华门街道南池子大街1号"

    assert split_address(address).city == ""
    assert address_part(address, "city") == "北京市"
    assert address_part(address, "district") == "东城区"
    assert address_part("江苏省无锡市梁溪区", "city") == "无锡市"


def test_join_skips_blank_values() -> None:
    assert join_values(["江苏省", "", "梁溪区"], " ") == "江苏省 梁溪区"
