"""Reading the simulators' server-rendered pages the way a robot would: by label and by table."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class Controls(HTMLParser):
    """Maps each <label for> text to the attributes of the control it labels.

    A textarea's text is its "value"; a select's options are in `options`, by the select's name.
    """

    def __init__(self, html: str) -> None:
        super().__init__()
        self.controls: dict[str, dict[str, str | None]] = {}
        self.options: dict[str, list[tuple[str | None, str]]] = {}
        self.labels: dict[str, str] = {}
        self._label_for: str | None = None
        self._select: str | None = None
        self._option: str | None = None
        self._textarea: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "label":
            self._label_for = attributes["for"]
        if tag in ("input", "select", "textarea") and "id" in attributes:
            self.controls[attributes["id"] or ""] = attributes | {"tag": tag}
        if tag == "select":
            self._select = attributes["name"]
            self.options[self._select or ""] = []
        if tag == "option":
            self._option = attributes.get("value")
        if tag == "textarea":
            self._textarea = attributes["id"]
            self.controls[self._textarea or ""]["value"] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._label_for is not None:
            self.labels[data.strip()] = self._label_for
            self._label_for = None
        elif self._select is not None and data.strip():
            self.options[self._select].append((self._option, data.strip()))
        elif self._textarea is not None:
            self.controls[self._textarea]["value"] = (
                self.controls[self._textarea]["value"] or ""
            ) + data

    def labelled(self, label: str) -> dict[str, str | None]:
        return self.controls[self.labels[label]]


def error_block(html: str) -> str:
    match = re.search(r'<div class="error" role="alert">(.*?)</div>', html, re.S)
    assert match, "no error block on the page"
    return match.group(1)


def table_rows(html: str, table_id: str | None = None) -> list[list[str]]:
    """Every <tr> on the page, or in the table with that id, as the text of its cells (header
    cells included)."""
    if table_id is not None:
        match = re.search(rf'<table [^>]*id="{table_id}"[^>]*>(.*?)</table>', html, re.S)
        assert match, f"no table #{table_id} on the page"
        html = match.group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    return [
        [cell.strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        for row in rows
    ]
