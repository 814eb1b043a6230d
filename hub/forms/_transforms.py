"""Pure transforms a target mapping applies to form values (hub.forms._mapping), and their
registry by name.

Every value is a string in and a string out; a value that cannot be transformed raises
TransformError with a Chinese message that never repeats the value (it may be personal data).
An empty value stays empty, except through const and join: an optional answer left blank is
sent blank, not refused.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from hub.errors import ConfigurationError
from hub.forms._address import PARTS, address_part
from hub.forms._codes import (
    DISCHARGE_TYPES,
    ETHNIC_GROUPS,
    FAMILY_RELATIONS,
    PLACEMENTS,
    SEXES,
    YES_NO,
)


class TransformError(ValueError):
    """A value the transform cannot take; the message is Chinese and free of the value."""


# ---- codes ---------------------------------------------------------------------------------

#: Named code tables a mapping may use: (code, Chinese name) pairs.
CODE_TABLES: dict[str, list[tuple[str, str]]] = {
    "sex": SEXES,  # GB/T 2261.1
    "ethnic": ETHNIC_GROUPS,  # GB/T 3304
    "relation": FAMILY_RELATIONS,  # GB/T 4761-2008
    # Named as form templates name them for select options (hub/forms/_bindings.py).
    "discharge_types": DISCHARGE_TYPES,
    "placements": PLACEMENTS,
    "yes_no": YES_NO,
}


def code_to_name(table: str, code: str) -> str:
    try:
        return dict(CODE_TABLES[table])[code]
    except KeyError:
        raise TransformError(f"不是代码表 {table} 中的代码") from None


def name_to_code(table: str, name: str) -> str:
    try:
        return {label: code for code, label in CODE_TABLES[table]}[name]
    except KeyError:
        raise TransformError(f"不是代码表 {table} 中的名称") from None


def map_code(mapping: Mapping[str, str], code: str) -> str:
    try:
        return mapping[code]
    except KeyError:
        raise TransformError("不在此目标的代码对照（map）中") from None


# ---- dates ---------------------------------------------------------------------------------

_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TOKEN = re.compile(r"%(-?.)?", re.DOTALL)
#: The directives a date format may use, and their widths: %-m and %-d drop the leading zero,
#: as Chinese forms write 2024年3月5日.
DATE_DIRECTIVES = {"Y": 4, "m": 2, "d": 2, "-m": 0, "-d": 0}


def format_date(iso: str, fmt: str) -> str:
    """An ISO date (YYYY-MM-DD) written in fmt, e.g. %Y年%m月%d日 or %Y%m%d."""
    problem = date_format_problem(fmt)
    if problem is not None:
        raise ConfigurationError(f"date format {fmt!r}: {problem}")
    day = _iso_date(iso)
    numbers = {"Y": day.year, "m": day.month, "d": day.day}
    pieces = []
    for kind, piece in _tokens(fmt):
        if kind == "text":
            pieces.append(piece)
        else:  # width 0 (%-m, %-d): no padding
            pieces.append(f"{numbers[piece[-1]]:0{DATE_DIRECTIVES[piece]}d}")
    return "".join(pieces)


def parse_date(text: str, fmt: str) -> date:
    """The date text shows in fmt: format_date's inverse, for a format with year, month, day."""
    pattern, fields = "", []
    for kind, piece in _tokens(fmt):
        if kind == "text":
            pattern += re.escape(piece)
        else:
            width = DATE_DIRECTIVES[piece]
            pattern += f"([0-9]{{{width}}})" if width else "([0-9]{1,2})"
            fields.append(piece[-1])
    match = re.fullmatch(pattern, text)
    if match is None:
        raise TransformError(f"与日期格式 {fmt} 不符")
    found: dict[str, int] = {}
    for field, number in zip(fields, map(int, match.groups()), strict=True):
        if found.setdefault(field, number) != number:
            raise TransformError("日期中的年、月或日前后不一致")
    try:
        return date(found["Y"], found["m"], found["d"])
    except (KeyError, ValueError):
        raise TransformError("不是有效的日期") from None


def date_format_problem(fmt: str) -> str | None:
    """Why fmt is no date format format_date writes, in Chinese; None when it is one."""
    tokens = _tokens(fmt)
    directives = [piece for kind, piece in tokens if kind == "directive"]
    unknown = [piece for piece in directives if piece not in DATE_DIRECTIVES]
    if unknown:
        return f"日期格式不支持 %{unknown[0]}，可用 %Y %m %d %-m %-d（%% 写百分号）"
    if not directives:
        return "日期格式中没有年、月、日（%Y %m %d）"
    # Without a separator an unpadded month or day runs into what follows: 2024111 is 1月11日
    # or 11月1日.
    for (kind, piece), (next_kind, next_piece) in itertools.pairwise(tokens):
        unpadded = kind == "directive" and DATE_DIRECTIVES[piece] == 0
        if unpadded and (next_kind == "directive" or next_piece[:1].isdigit()):
            return f"%{piece} 之后须有非数字的分隔符，如 %Y年%-m月%-d日"
    return None


def _tokens(fmt: str) -> list[tuple[str, str]]:
    """fmt as ("text", literal) and ("directive", name) pieces; %% is the literal %."""
    tokens: list[tuple[str, str]] = []
    end = 0
    for match in _TOKEN.finditer(fmt):
        if match.start() > end:
            tokens.append(("text", fmt[end : match.start()]))
        name = match.group(1) or ""  # "": a lone % at the end, reported as unsupported
        tokens.append(("text", "%") if name == "%" else ("directive", name))
        end = match.end()
    if end < len(fmt):
        tokens.append(("text", fmt[end:]))
    return tokens


def _iso_date(iso: str) -> date:
    # Not date.fromisoformat alone: it also takes 20240305 and week dates.
    if _ISO.fullmatch(iso):
        try:
            return date.fromisoformat(iso)
        except ValueError:
            pass
    raise TransformError("不是有效的日期（应为 年-月-日）")


# ---- regions -------------------------------------------------------------------------------

#: How many digits of a region code each level keeps: GB/T 2260 (6 digits) for 省, 市 and 县,
#: the statistical division codes for 乡镇(街道) (9) and 村(社区) (12).
REGION_LEVELS = {"province": 2, "city": 4, "county": 6, "township": 9, "community": 12}
_REGION = re.compile(r"[0-9]{6}(?:[0-9]{3}){0,2}")


def truncate_region(code: str, level: str) -> str:
    """The code of the region at level that holds code's region: 320206104001 at city level is
    320200. 省, 市 and 县 codes keep six digits, padded with zeros as GB/T 2260 writes them."""
    if not _REGION.fullmatch(code):
        raise TransformError("区划代码应为6、9或12位数字")
    keep = REGION_LEVELS[level]
    if keep > len(code):
        raise TransformError(f"区划代码只有{len(code)}位，取不到前{keep}位")
    return code[:keep].ljust(max(keep, 6), "0")


def join_values(values: Sequence[str], sep: str = "") -> str:
    """The non-empty values joined by sep: a blank part adds no doubled separator."""
    return sep.join(value for value in values if value)


# ---- the registry --------------------------------------------------------------------------


Options = Mapping[str, Any]


@dataclass(frozen=True)
class Transform:
    """A transform as a mapping names it: how many form fields it reads, which arguments it
    takes, and a check of their values (Chinese problems) run before any value is seen."""

    run: Callable[[Sequence[str], Options], str]
    min_sources: int = 1
    max_sources: int | None = 1
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    check: Callable[[Options], list[str]] = lambda options: []


def _one(function: Callable[[str, Options], str]) -> Callable[[Sequence[str], Options], str]:
    """A transform of one value that leaves an empty value empty."""

    def run(values: Sequence[str], options: Options) -> str:
        return function(values[0], options) if values[0] else ""

    return run


def _code(value: str, options: Options) -> str:
    if "map" in options:
        return map_code(options["map"], value)
    if options["to"] == "name":
        return code_to_name(options["table"], value)
    return name_to_code(options["table"], value)


def _check_code(options: Options) -> list[str]:
    if "map" in options:
        if "table" in options or "to" in options:
            return ["code 转换写 map，或写 table 和 to，不能都写"]
        mapping = options["map"]
        if not (isinstance(mapping, dict) and mapping and _all_text(mapping)):
            return ['map 应为代码对照表，如 { "1" = "M", "2" = "F" }']
        return []
    if "table" not in options:
        return ["code 转换须写 table（代码表）和 to，或写 map"]
    problems = []
    if not isinstance(options["table"], str) or options["table"] not in CODE_TABLES:
        problems.append(f"没有代码表 {options['table']}，可用：{'、'.join(CODE_TABLES)}")
    if options.get("to") not in ("name", "code"):
        problems.append('to 应为 "name"（代码转名称）或 "code"（名称转代码）')
    return problems


def _check_date(options: Options) -> list[str]:
    fmt = options["format"]
    problem = date_format_problem(fmt) if isinstance(fmt, str) else "format 应为文字"
    return [problem] if problem else []


def _check_choice(name: str, choices: Sequence[str]) -> Callable[[Options], list[str]]:
    def check(options: Options) -> list[str]:
        if options[name] in choices:
            return []
        return [f"{name} 应为 {'、'.join(choices)} 之一"]

    return check


def _check_text(name: str) -> Callable[[Options], list[str]]:
    def check(options: Options) -> list[str]:
        return [] if isinstance(options.get(name, ""), str) else [f"{name} 应写成带引号的文字"]

    return check


def _all_text(mapping: dict[Any, Any]) -> bool:
    return all(isinstance(key, str) and isinstance(value, str) for key, value in mapping.items())


TRANSFORMS: dict[str, Transform] = {
    "copy": Transform(run=lambda values, options: values[0]),
    "const": Transform(
        run=lambda values, options: str(options["value"]),
        min_sources=0,
        max_sources=0,
        required=("value",),
        check=_check_text("value"),
    ),
    "code": Transform(run=_one(_code), optional=("table", "to", "map"), check=_check_code),
    "date": Transform(
        run=_one(lambda value, options: format_date(value, options["format"])),
        required=("format",),
        check=_check_date,
    ),
    "region": Transform(
        run=_one(lambda value, options: truncate_region(value, options["level"])),
        required=("level",),
        check=_check_choice("level", tuple(REGION_LEVELS)),
    ),
    "address_part": Transform(
        run=_one(lambda value, options: address_part(value, options["part"])),
        required=("part",),
        check=_check_choice("part", PARTS),
    ),
    "join": Transform(
        run=lambda values, options: join_values(values, options.get("sep", "")),
        max_sources=None,
        optional=("sep",),
        check=_check_text("sep"),
    ),
}
