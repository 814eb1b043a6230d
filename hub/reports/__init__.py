"""Ledgers and reports (台账与报表): definitions are data files in `reports/`, not code.

`load_definitions(folder)` reads and checks them, `run_report(...)` runs one on a community's
store, `to_xlsx(result)` makes the workbook workers download. See docs/reports.md.
"""

from hub.reports._catalog import REPORTS_DIR, catalog, find_definition, shipped_definitions
from hub.reports._definition import (
    Column,
    DefinitionError,
    Filter,
    ReportDefinition,
    filter_problems,
    load_definition,
    load_definitions,
)
from hub.reports._run import ReportResult, beijing_today, run_report, select_residents
from hub.reports._vocabulary import FIELDS, OPERATORS, PARAMS, FieldSpec
from hub.reports._xlsx import content_disposition, to_xlsx, xlsx_filename

__all__ = [
    "FIELDS",
    "OPERATORS",
    "PARAMS",
    "REPORTS_DIR",
    "Column",
    "DefinitionError",
    "FieldSpec",
    "Filter",
    "ReportDefinition",
    "ReportResult",
    "beijing_today",
    "catalog",
    "content_disposition",
    "filter_problems",
    "find_definition",
    "load_definition",
    "load_definitions",
    "run_report",
    "select_residents",
    "shipped_definitions",
    "to_xlsx",
    "xlsx_filename",
]
