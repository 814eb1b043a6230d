"""The region code table behind 所在地区: 市 -> 县(市、区) -> 乡镇(街道), for a corner of 无锡.

Codes are the national statistical ones (6-digit county codes, then 3 digits for the township:
001-099 街道, 100-199 镇). 玉祁街道 320206104 and 洛社镇 320206100 are the ones the hub's demo
communities and the brief use; the other townships follow the same scheme but are a sample, not
the statistics bureau's full list.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    code: str
    name: str


#: parent code -> its children, in the order the selects list them. "" is the root (cities).
_CHILDREN: dict[str, tuple[Region, ...]] = {
    "": (Region("320200", "无锡市"),),
    "320200": (
        Region("320206", "惠山区"),
        Region("320211", "滨湖区"),
        Region("320213", "梁溪区"),
    ),
    "320206": (
        Region("320206001", "堰桥街道"),
        Region("320206100", "洛社镇"),
        Region("320206104", "玉祁街道"),
    ),
    "320211": (
        Region("320211001", "河埒街道"),
        Region("320211002", "荣巷街道"),
        Region("320211100", "胡埭镇"),
    ),
    "320213": (
        Region("320213001", "崇安寺街道"),
        Region("320213002", "广益街道"),
    ),
}


def cities() -> tuple[Region, ...]:
    return _CHILDREN[""]


def children(code: str) -> tuple[Region, ...]:
    """The regions one level below code; none for a township or an unknown code."""
    return _CHILDREN.get(code, ()) if code else ()


def is_township_of(township: str, *, city: str, county: str) -> bool:
    """True when township is a known 9-digit 乡镇(街道) code under county, itself under city."""
    counties = {region.code for region in children(city)}
    townships = {region.code for region in children(county)}
    return county in counties and township in townships


def chain_of(township: str) -> tuple[str, str, str]:
    """(city, county, township) codes for a township code, as the three selects post them."""
    return f"{township[:4]}00", township[:6], township


def pairs(code: str | None) -> list[tuple[str, str]]:
    """(code, name) of the regions under code, as a select's options; None: the cities."""
    return [(r.code, r.name) for r in (cities() if code is None else children(code))]


def name_of(township: str) -> str:
    """市县乡 names of a township code, e.g. 无锡市惠山区玉祁街道; the code itself if unknown."""
    city, county, _ = chain_of(township)
    names = {r.code: r.name for r in (*cities(), *children(city), *children(county))}
    return "".join(names.get(code, "") for code in chain_of(township)) or township
