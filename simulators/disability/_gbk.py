"""Speaking GBK, as the real system does: pages out, form posts in.

Pages are rendered as text and encoded to GBK; a character GBK lacks (𠮷, U+20BB7) goes out as a
numeric character reference, which is also how a browser posts it from a GBK form: the user types
𠮷 and the system receives the seven characters ``&#134071;``. It stores that text as it came,
and shows it by letting such references through unescaped, so the page shows 𠮷 again while the
database holds the reference (what GBK systems of that age do).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

import jinja2
from fastapi.responses import Response
from markupsafe import Markup, escape

CHARSET = "GBK"
MEDIA_TYPE = f"text/html; charset={CHARSET}"
_NUMERIC_REFERENCE = re.compile(r"&amp;#([0-9]{1,7});")
_RAW_BYTE = re.compile(rb"[\x80-\xff]")


def legacy_text(value: object) -> Markup:
    """Escape value for HTML, except decimal character references (&#134071;), kept as such."""
    return Markup(_NUMERIC_REFERENCE.sub(r"&#\1;", str(escape(value))))


def render(
    env: jinja2.Environment, name: str, *, status_code: int = 200, **context: Any
) -> Response:
    html = env.get_template(name).render(**context)
    body = html.encode(CHARSET, errors="xmlcharrefreplace")
    return Response(body, status_code=status_code, media_type=MEDIA_TYPE)


def gbk_json(text: str) -> Response:
    """JSON text as the system's XMLHttpRequest endpoints send it: GBK, charset declared."""
    body = text.encode(CHARSET, errors="xmlcharrefreplace")
    return Response(body, media_type=f"application/json; charset={CHARSET}")


def parse_form(body: bytes) -> dict[str, list[str]]:
    """An application/x-www-form-urlencoded body posted from a GBK page: name -> values.

    Starlette's form parser assumes UTF-8 and would turn every Chinese character into mojibake.
    A browser percent-encodes every byte; a raw byte above 0x7F (curl) is encoded here first so
    that both decode the same way.
    """
    quoted = _RAW_BYTE.sub(lambda match: b"%%%02X" % match.group()[0], body).decode("ascii")
    fields: dict[str, list[str]] = {}
    for name, value in parse_qsl(quoted, keep_blank_values=True, encoding=CHARSET):
        fields.setdefault(name, []).append(value)
    return fields
