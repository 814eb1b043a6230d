"""A report as an Excel workbook: title row, bold frozen Chinese headers, readable widths."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import date
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from hub.reports._run import Cell as Value
from hub.reports._run import ReportResult

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEADER_FILL = PatternFill("solid", fgColor="DDE6F1")
_THIN = Side(style="thin", color="9AA3AE")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(vertical="top", wrap_text=True)
_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\s]+')
_FIRST_ROW = 3  # title, headers, then data


def to_xlsx(result: ReportResult) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _sheet_title(result.short_title)
    wb.properties.creator = "社区一表通"
    wb.properties.title = result.title
    _title_row(ws, result)
    for i, header in enumerate(result.headers, start=1):
        cell = ws.cell(row=2, column=i, value=header)
        cell.font, cell.fill, cell.border = _BOLD, _HEADER_FILL, _BOX
    for r, row in enumerate(result.rows, start=_FIRST_ROW):
        for c, value in enumerate(row, start=1):
            _put(ws.cell(row=r, column=c), value)
    if result.total is not None:
        last = _FIRST_ROW + len(result.rows)
        for c, value in enumerate(result.total, start=1):
            _put(ws.cell(row=last, column=c), value).font = _BOLD
    ws.freeze_panes = f"A{_FIRST_ROW}"
    ws.print_title_rows = "2:2"  # printed ledgers repeat the headers on every page
    _fit_widths(ws, result)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_filename(result: ReportResult) -> str:
    """玉祁社区_80周岁以上老人_2026-11-25.xlsx (a monthly report adds 2026年11月)."""
    parts = [result.community_name, result.short_title]
    if result.month:
        year, month = result.month.split("-")
        parts.append(f"{year}年{int(month)}月")
    parts.append(result.generated_on.isoformat())
    return "_".join(_UNSAFE_IN_NAME.sub("", p) for p in parts) + ".xlsx"


def content_disposition(result: ReportResult) -> str:
    """An ASCII fallback for old clients, and the Chinese name per RFC 5987 / RFC 6266."""
    fallback = f"{result.report_id}_{result.generated_on.isoformat()}.xlsx"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(xlsx_filename(result))}"


def _title_row(ws: Worksheet, result: ReportResult) -> None:
    title = f"{result.community_name}　{result.title}"
    if result.month:
        year, month = result.month.split("-")
        title += f"（{year}年{int(month)}月）"
    ws.cell(row=1, column=1, value=f"{title}　制表日期：{result.generated_on.isoformat()}")
    ws.cell(row=1, column=1).font = _TITLE
    if len(result.headers) > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(result.headers))


def _put(cell: Cell, value: Value) -> Cell:
    if isinstance(value, str):
        # Text typed by workers is text: never a formula ("=HYPERLINK(…)"), never a control
        # character (which Excel refuses to open).
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value
    if isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    cell.border, cell.alignment = _BOX, _WRAP
    return cell


def _fit_widths(ws: Worksheet, result: ReportResult) -> None:
    headers: list[Value] = list(result.headers)
    rows = [headers, *result.rows, *([result.total] if result.total else [])]
    for i in range(len(result.headers)):
        widest = max(_display_width(row[i]) for row in rows)
        ws.column_dimensions[get_column_letter(i + 1)].width = min(max(widest + 2, 8), 60)


def _display_width(value: Value) -> int:
    text = value.isoformat() if isinstance(value, date) else str(value if value is not None else "")
    # A Chinese character (including 𠮷, outside the BMP) is two columns wide.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _sheet_title(title: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    return re.sub(r"[\[\]:*?/\\]", "", title)[:31] or "报表"
