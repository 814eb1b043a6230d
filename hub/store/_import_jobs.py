"""Imports as jobs: the request checks the file and answers at once; a thread of the hub process
writes it (``apply``, one transaction of its own) and records progress and outcome in an
ImportJob row, which every hub process can read.

Progress goes to the row in a short transaction of its own after each batch of 500 rows, except
on SQLite: it has one writer at a time and the import holds that lock until it commits, so there
the running process keeps the count in memory and `get_job` in that process adds it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Engine
from sqlmodel import Field, Session, SQLModel

from hub.crypto import FieldCipher
from hub.errors import HubError, InvalidInput, NotFound
from hub.store._db import session_scope
from hub.store._import_read import Table
from hub.store._import_write import ImportResult, apply
from hub.store._models import utcnow

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
#: A job that has not moved for this long lost its process (a restart): nothing of it was
#: written unless it had finished, and importing the file again is always safe.
STALE_AFTER = timedelta(hours=1)

#: job id -> (done, total) of the jobs running in this process; one writer per key, so no lock.
_live: dict[str, tuple[int, int]] = {}


class ImportJob(SQLModel, table=True):
    id: str = Field(primary_key=True)  # uuid4 hex: unguessable in a URL
    community_code: str = Field(foreign_key="community.code", index=True)
    created_by: str
    state: str = QUEUED  # queued | running | done | failed
    done: int = 0  # rows written so far
    total: int = 0  # rows to write: new and changed people
    result: str | None = None  # ImportResult as JSON, once done
    error: str | None = None  # JobError as JSON, once failed
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class JobError(BaseModel):
    """What the API answers for the same error: the class, the Chinese message, bad rows."""

    error: str
    message: str
    field_errors: dict[str, str] = {}


class ImportJobView(BaseModel):
    job_id: str
    state: str
    done: int
    total: int
    result: ImportResult | None
    error: JobError | None
    created_at: datetime
    updated_at: datetime


_INTERRUPTED = JobError(
    error="Interrupted",
    message="导入已中断（系统曾重启）。请查看居民名单后重新导入：已导入的人不会重复。",
)


def create_job(*, session: Session, community: str, created_by: str, total: int) -> ImportJob:
    """A queued job; the caller commits before starting it, so every poll finds it."""
    job = ImportJob(
        id=uuid.uuid4().hex, community_code=community, created_by=created_by, total=total
    )
    session.add(job)
    session.flush()
    return job


def get_job(*, session: Session, job_id: str, community: str) -> ImportJobView:
    """The job as its community sees it; NotFound for another community's or an unknown one."""
    job = session.get(ImportJob, job_id)
    if job is None or job.community_code != community:
        raise NotFound(f"import job {job_id} not in {community}")
    done, total = _live.get(job.id, (job.done, job.total))
    view = ImportJobView(
        job_id=job.id,
        state=job.state,
        done=done,
        total=total,
        result=ImportResult.model_validate_json(job.result) if job.result else None,
        error=JobError.model_validate_json(job.error) if job.error else None,
        created_at=job.created_at,
        updated_at=job.updated_at,
    )
    lost = job.id not in _live and job.updated_at < utcnow() - STALE_AFTER
    if job.state in (QUEUED, RUNNING) and lost:
        return view.model_copy(update={"state": FAILED, "error": _INTERRUPTED})
    return view


def run_job(
    *,
    engine: Engine,
    cipher: FieldCipher,
    job_id: str,
    table: Table,
    mapping: dict[str, str],
    community: str,
    actor: str,
    skip_bad_rows: bool,
) -> str:
    """Carry out a job from `create_job` and return its final state; the outcome, error
    included, is in the job. The import is all or nothing, as ``apply`` in a request was."""
    try:
        _update(engine, job_id, state=RUNNING)
        with session_scope(engine, actor=actor) as session:
            result = apply(
                table,
                mapping,
                session=session,
                cipher=cipher,
                community=community,
                skip_bad_rows=skip_bad_rows,
                progress=_publisher(engine, job_id),
            )
        written = result.created + result.updated
        _update(engine, job_id, state=DONE, done=written, total=written, result=result)
        return DONE
    except Exception as exc:  # the job's reader must learn of any failure, not only ours
        known = exc if isinstance(exc, HubError) else HubError()
        if known is not exc:
            # The type and the masked message only: a traceback may carry row values.
            log.error("import job %s failed: %s: %s", job_id, type(exc).__name__, exc)
        _update(engine, job_id, state=FAILED, error=_job_error(known))
        return FAILED
    finally:
        _live.pop(job_id, None)


def _publisher(engine: Engine, job_id: str) -> Callable[[int, int], None]:
    shared = engine.dialect.name != "sqlite"  # see the module docstring

    def publish(done: int, total: int) -> None:
        _live[job_id] = (done, total)
        if shared:
            _update(engine, job_id, done=done, total=total)

    return publish


def _update(engine: Engine, job_id: str, **values: Any) -> None:
    with session_scope(engine) as session:
        job = session.get_one(ImportJob, job_id)
        for name, value in values.items():
            setattr(job, name, value.model_dump_json() if isinstance(value, BaseModel) else value)
        job.updated_at = utcnow()


def _job_error(exc: HubError) -> JobError:
    fields = exc.field_errors if isinstance(exc, InvalidInput) else {}
    return JobError(error=type(exc).__name__, message=exc.user_message, field_errors=fields)
