"""Decoding and checking the JSON body of a JSON-API simulator's request.

Every platform answers a bad body the same way: 422 INVALID naming one field, the earliest in
the platform's field order, so that clients see a predictable error.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from simulators._errors import invalid
from simulators._rules import Problem


def parse_body(raw: bytes) -> dict[str, object]:
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise invalid("请求体不是有效的JSON", None) from None
    if not isinstance(body, dict):
        raise invalid("请求体应为JSON对象", None)
    return body


def string_fields(
    body: Mapping[str, object],
    *,
    fields: Sequence[str],
    labels: Mapping[str, str],
    optional: Sequence[str] = (),
) -> dict[str, str]:
    """The named fields as text (optional ones may be left out, null or blank: then ""); raises
    ApiError (422) for the first that is not a string or is missing."""
    for name in fields:
        value = body.get(name)
        if value is not None and not isinstance(value, str):
            raise invalid(f"{labels[name]}应为字符串", name)
        if name not in optional and (value is None or not value.strip()):
            raise invalid(f"缺少必填字段：{labels[name]}", name)
    return {name: str(body.get(name) or "") for name in fields}


def raise_first(problems: Sequence[Problem], *, order: Sequence[str]) -> None:
    """Raise ApiError (422) for the problem whose field comes first in order, if any."""
    if problems:
        first = min(problems, key=lambda p: order.index(p.field))
        raise invalid(first.message, first.field)
