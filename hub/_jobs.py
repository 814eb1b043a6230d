"""Background work in the hub process: ledger imports run here, after the request has answered.

One thread, so jobs run one after another in the order they came. An import holds SQLite's
single write lock from its first row to its commit (a second one would wait out busy_timeout and
fail) and peaks at about 425 MB on 100,000 rows. Each job records its own outcome in the store
(``hub.store.imports.run_job``); this module only logs what escapes one.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial

from sqlmodel import Session

from hub._state import HubState
from hub.store import imports
from identity import Principal

log = logging.getLogger(__name__)

# Not tied to an event loop: a job outlives the request (and the loop) that started it.
_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hub-job")


def check_and_start(
    *,
    state: HubState,
    session: Session,
    user: Principal,
    community: str,
    table: imports.Table,
    mapping: dict[str, str],
    skip_bad_rows: bool,
) -> tuple[imports.ImportCheck, str | None]:
    """The dry run, then the import queued unless it has bad rows she did not choose to skip.

    Returns the dry-run report and the job id (None when refused). The check runs even when the
    worker has just seen a report (~2 s per 100,000 rows): the store may have changed since, and
    a wrong column mapping is refused here with every reason before anything is started.
    """
    report = imports.check(
        table, mapping, session=session, cipher=state.cipher, community=community
    )
    if report.errors and not skip_bad_rows:
        return report, None
    job_id = _start_import(
        state=state,
        session=session,
        user=user,
        community=community,
        table=table,
        mapping=mapping,
        report=report,
        skip_bad_rows=skip_bad_rows,
    )
    return report, job_id


def _start_import(
    *,
    state: HubState,
    session: Session,
    user: Principal,
    community: str,
    table: imports.Table,
    mapping: dict[str, str],
    report: imports.ImportCheck,
    skip_bad_rows: bool,
) -> str:
    """Queue the import `report` describes, as `user`; the id of its job."""
    job = imports.create_job(
        session=session,
        community=community,
        created_by=user.username,
        total=report.to_create + report.to_update,
    )
    session.commit()  # the job exists before its thread or any poll looks for it
    work = partial(
        imports.run_job,
        engine=state.engine,
        cipher=state.cipher,
        job_id=job.id,
        table=table,
        mapping=mapping,
        community=community,
        actor=user.username,
        skip_bad_rows=skip_bad_rows,
    )
    _pool.submit(work).add_done_callback(_log_escaped)
    return job.id


def _log_escaped(future: Future[str]) -> None:
    exc = future.exception()
    if exc is not None:  # run_job records failures itself; this is one it could not record
        log.error("import job escaped: %s: %s", type(exc).__name__, exc)
