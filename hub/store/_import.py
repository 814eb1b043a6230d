"""Importing the resident ledgers communities already keep (台账: Excel .xlsx or CSV).

``read_table`` → ``guess_mapping`` (the caller may change it) → ``preview`` / ``check`` (a dry
run) → ``apply``. Rows are keyed by ID number through its blind index, so importing the same file
again creates nothing and changes nothing. ``apply`` writes nothing unless every row is good or
the caller asked to skip the bad ones; it runs in the caller's session (one transaction). If
another import stores one of the same new residents meanwhile, ``apply`` raises Conflict (409,
retryable) and the caller rolls back.

The hub runs ``apply`` as a job (``_import_jobs``): ``create_job`` in the request, ``run_job``
on a thread with a session of its own, ``get_job`` for progress and outcome.

Reading and previewing live in ``_import_read``, checking one row in ``_import_rows``, the dry-run
plan in ``_import_plan`` and writing in ``_import_write``; this module is what
``hub.store.imports`` shows.
"""

from __future__ import annotations

from hub.store._import_jobs import (
    DONE,
    FAILED,
    QUEUED,
    RUNNING,
    STALE_AFTER,
    ImportJob,
    ImportJobView,
    JobError,
    create_job,
    get_job,
    run_job,
)
from hub.store._import_plan import BATCH, HEAD, ImportCheck, RowError, check
from hub.store._import_read import (
    FIELDS,
    MAX_BYTES,
    MAX_ROWS,
    REQUIRED,
    SYNONYMS,
    Preview,
    PreviewRow,
    Table,
    guess_mapping,
    preview,
    read_table,
)
from hub.store._import_rows import Home
from hub.store._import_write import ImportRejected, ImportResult, apply

__all__ = [
    "BATCH",
    "DONE",
    "FAILED",
    "QUEUED",
    "RUNNING",
    "STALE_AFTER",
    "ImportJob",
    "ImportJobView",
    "JobError",
    "create_job",
    "get_job",
    "run_job",
    "FIELDS",
    "HEAD",
    "MAX_BYTES",
    "MAX_ROWS",
    "REQUIRED",
    "SYNONYMS",
    "Home",
    "ImportCheck",
    "ImportRejected",
    "ImportResult",
    "Preview",
    "PreviewRow",
    "RowError",
    "Table",
    "apply",
    "check",
    "guess_mapping",
    "preview",
    "read_table",
]
