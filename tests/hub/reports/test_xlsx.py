"""The downloaded workbook: what a worker sees when she opens it in Excel or WPS."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import unquote

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import Engine

from hub.crypto import FieldCipher
from hub.demo import COMMUNITY_A
from hub.reports import (
    ReportDefinition,
    ReportResult,
    content_disposition,
    to_xlsx,
    xlsx_filename,
)
from tests.hub.reports.conftest import TODAY, run


def sheet(result: ReportResult) -> Worksheet:
    ws = load_workbook(io.BytesIO(to_xlsx(result))).active
    assert isinstance(ws, Worksheet)
    return ws


def result(**overrides: object) -> ReportResult:
    fields: dict[str, object] = {
        "report_id": "elderly-80-by-building",
        "title": "80周岁以上老人（按楼栋）",
        "short_title": "80周岁以上老人",
        "community_code": COMMUNITY_A.code,
        "community_name": "玉祁社区",
        "generated_on": date(2026, 11, 25),
        "month": None,
        "headers": ["楼栋", "80周岁以上人数"],
        "rows": [["1幢", 4], ["2幢", 3]],
        "total": ["合计", 7],
    }
    return ReportResult.model_validate(fields | overrides)


def test_key_people_workbook_keeps_chinese_headers_and_rare_characters(
    demo: Engine, cipher: FieldCipher, definitions: dict[str, ReportDefinition]
):
    ws = sheet(run(demo, cipher, definitions["key-people"], COMMUNITY_A.code))
    title = str(ws["A1"].value)
    assert "玉祁社区" in title and "重点人群名单（按标签）" in title
    assert TODAY.isoformat() in title
    headers = [c.value for c in ws[2]]
    assert headers == ["标签", "姓名", "公民身份号码", "性别", "年龄", "住址"]
    assert all(c.font.b for c in ws[2])
    assert ws.freeze_panes == "A3"
    assert ws["A3"].value == "独居" and ws["B3"].value == "𠮷*英"  # U+20BB7 survives
    assert isinstance(ws["E3"].value, int)  # ages are numbers Excel can sort and sum
    assert ws.column_dimensions["F"].width > ws.column_dimensions["D"].width  # address is wide


def test_counting_workbook_has_its_total_in_bold_and_numbers_as_numbers():
    ws = sheet(result())
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=3)] == [
        ["1幢", 4],
        ["2幢", 3],
        ["合计", 7],
    ]
    assert ws["A5"].font.b and ws["B5"].font.b and not ws["A3"].font.b
    assert "A1:B1" in {str(r) for r in ws.merged_cells.ranges}


def test_text_from_workers_stays_text_in_the_workbook():
    ledger = result(
        report_id="monthly-ledger",
        title="月度工作台账",
        short_title="月度工作台账",
        month="2025-03",
        headers=["日期", "事项"],
        rows=[[date(2025, 3, 5), '=HYPERLINK("http://evil.example","点我")'], [None, "响铃\x07了"]],
        total=None,
    )
    ws = sheet(ledger)
    assert "2025年3月" in str(ws["A1"].value)
    assert ws["B3"].data_type == "s" and str(ws["B3"].value).startswith("=HYPERLINK")
    assert ws["B4"].value == "响铃了"
    assert ws["A3"].value.date() == date(2025, 3, 5) and ws["A3"].number_format == "yyyy-mm-dd"


def test_file_name_says_community_report_and_date_in_chinese():
    assert xlsx_filename(result()) == "玉祁社区_80周岁以上老人_2026-11-25.xlsx"
    monthly = result(short_title="月度工作台账", month="2026-03")
    assert xlsx_filename(monthly) == "玉祁社区_月度工作台账_2026年3月_2026-11-25.xlsx"
    header = content_disposition(result())
    assert header.startswith('attachment; filename="elderly-80-by-building_2026-11-25.xlsx"; ')
    encoded = header.split("filename*=UTF-8''")[1]
    assert encoded.isascii() and unquote(encoded) == "玉祁社区_80周岁以上老人_2026-11-25.xlsx"


def test_file_name_drops_characters_no_file_system_takes():
    odd = result(community_name="玉祁/社区", short_title='老人:"名单"?')
    assert xlsx_filename(odd) == "玉祁社区_老人名单_2026-11-25.xlsx"
