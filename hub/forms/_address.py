"""Mainland Chinese addresses cut into 省, 市, 区/县, 街道/镇/乡 and the rest, for targets that
ask for them in separate boxes.

The cut is by the names' suffixes, without a gazetteer: 江苏省无锡市梁溪区崇安寺街道中山路5号
gives 江苏省 | 无锡市 | 梁溪区 | 崇安寺街道 | 中山路5号. The parts are consecutive pieces of the
address, so joining them gives it back; a level the address leaves out is empty (a 直辖市 has no
separate 市: 北京市东城区… gives 北京市 | "" | 东城区 | …). A county-level city written straight
after its province (江苏省江阴市…) is taken for the 市, as nothing in the text says otherwise.
"""

from __future__ import annotations

import re
from typing import NamedTuple

MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
PROVINCES = (
    *MUNICIPALITIES,
    "河北省",
    "山西省",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "海南省",
    "四川省",
    "贵州省",
    "云南省",
    "陕西省",
    "甘肃省",
    "青海省",
    "台湾省",
    "内蒙古自治区",
    "广西壮族自治区",
    "西藏自治区",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
    "香港特别行政区",
    "澳门特别行政区",
)

# Shortest name first, so that 无锡市梁溪区 stops at 无锡市. The lengths cover the longest real
# names (克孜勒苏柯尔克孜自治州, 双江拉祜族佤族布朗族傣族自治县).
_CITY = re.compile(r"(.{1,11}?)(?:自治州|地区|盟|市)")
_DISTRICT = re.compile(r"(.{1,15}?)(?:区|县|市|旗)")
_STREET = re.compile(r"(.{1,10}?)(?:街道|镇|乡|苏木)")
# What no 市, 区 or 街道 name holds but roads, house numbers and rooms do: a match holding one has
# run past the level it looks for (中山路5号小区 is no 区).
_NOT_A_PLACE = re.compile(r"[0-9０-９路街号巷弄村组栋幢楼室]|单元")
# Suffixes of the levels below, which a name may start with (镇江市, 镇海区, 乡宁县) but holds
# later only when the match has swallowed a lower level (惠山区玉祁市 is no 市).
_BELOW_CITY = re.compile(r"区|县|镇|乡")
_BELOW_DISTRICT = re.compile(r"镇|乡")

PARTS = ("province", "city", "district", "street", "detail")


class AddressParts(NamedTuple):
    province: str
    city: str
    district: str
    street: str
    detail: str


def split_address(address: str) -> AddressParts:
    """The address in five consecutive pieces; "".join(the pieces) == address."""
    province = next((name for name in PROVINCES if address.startswith(name)), "")
    rest = address[len(province) :]
    city = "" if province in MUNICIPALITIES else _take(_CITY, rest, below=_BELOW_CITY)
    rest = rest[len(city) :]
    district = _take(_DISTRICT, rest, below=_BELOW_DISTRICT)
    rest = rest[len(district) :]
    street = _take(_STREET, rest)
    return AddressParts(province, city, district, street, rest[len(street) :])


def address_part(address: str, part: str) -> str:
    """One piece of the address; for a 直辖市 the 市 is the municipality itself, as the city
    selects of target systems list it (北京市 / 北京市 / 东城区)."""
    parts = split_address(address)
    if part == "city" and parts.province in MUNICIPALITIES:
        return parts.province
    return str(getattr(parts, part))


def _take(level: re.Pattern[str], text: str, *, below: re.Pattern[str] | None = None) -> str:
    match = level.match(text)
    if match is None:
        return ""
    stem = match.group(1)
    if _NOT_A_PLACE.search(stem) or (below is not None and below.search(stem[1:])):
        return ""
    return match.group(0)
