"""Imports run as jobs: progress others can read while it writes, the outcome, the failures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session

from hub.crypto import FieldCipher
from hub.errors import NotFound
from hub.store import imports, session_scope
from tests.factories import COMMUNITY, OTHER_COMMUNITY, add_community
from tests.hub.store.test_import import BAD_CHECK, HEADERS, JI, counts, csv_bytes, ledger_of


@pytest.fixture
def engine(engine_and_cipher: tuple[Engine, FieldCipher]) -> Engine:
    engine = engine_and_cipher[0]
    with session_scope(engine) as session:
        add_community(session, COMMUNITY)
        add_community(session, OTHER_COMMUNITY, name="瑞星社区")
    return engine


def new_job(engine: Engine, total: int) -> str:
    with session_scope(engine) as session:
        return imports.create_job(
            session=session, community=COMMUNITY, created_by="worker-yuqi", total=total
        ).id


def run(
    engine: Engine, cipher: FieldCipher, job_id: str, data: bytes, *, skip: bool = False
) -> str:
    table = imports.read_table(data, "台账.csv")
    return imports.run_job(
        engine=engine,
        cipher=cipher,
        job_id=job_id,
        table=table,
        mapping=imports.guess_mapping(table.headers),
        community=COMMUNITY,
        actor="worker-yuqi",
        skip_bad_rows=skip,
    )


def job(engine: Engine, job_id: str, community: str = COMMUNITY) -> imports.ImportJobView:
    with Session(engine) as session:
        return imports.get_job(session=session, job_id=job_id, community=community)


def test_progress_is_readable_while_the_import_writes_and_ends_at_the_total(
    engine: Engine, cipher: FieldCipher
):
    job_id = new_job(engine, total=2_000)
    assert (job(engine, job_id).state, job(engine, job_id).done) == ("queued", 0)
    seen: list[tuple[str, int, int]] = []
    stored: list[int] = []

    def look_from_another_session(session: Session, _context: object) -> None:
        # Between the import's flushes, as a poll from another request would see the job.
        if session.info.get("actor") != "worker-yuqi":
            return
        view = job(engine, job_id)
        if not seen or seen[-1] != (view.state, view.done, view.total):
            seen.append((view.state, view.done, view.total))
        with Session(engine) as other:
            stored.append(other.get_one(imports.ImportJob, job_id).done)

    event.listen(Session, "after_flush", look_from_another_session)
    try:
        assert run(engine, cipher, job_id, ledger_of(2_000)) == "done"
    finally:
        event.remove(Session, "after_flush", look_from_another_session)
    # Written 500 at a time (imports.BATCH): the count moves up batch by batch to the total.
    assert seen == [("running", n, 2_000) for n in (0, 500, 1_000, 1_500)]
    final = job(engine, job_id)
    assert (final.state, final.done, final.total, final.error) == ("done", 2_000, 2_000, None)
    assert final.result is not None and final.result.created == 2_000
    if engine.dialect.name == "sqlite":
        # One writer at a time, and the import is it: the row waits; its process has the count.
        assert set(stored) == {0}
    else:
        assert sorted(set(stored)) == [0, 500, 1_000, 1_500]


def test_a_refused_job_records_every_bad_row_and_writes_nothing(
    engine: Engine, cipher: FieldCipher
):
    before = counts(engine)
    data = csv_bytes([HEADERS, ["𠮷祥英", JI, "", "", "", "", "", ""], ["王建国", BAD_CHECK]])
    job_id = new_job(engine, total=1)
    assert run(engine, cipher, job_id, data) == "failed"
    failed = job(engine, job_id)
    assert (failed.state, failed.result) == ("failed", None)
    assert failed.error == imports.JobError(
        error="ImportRejected",
        message="有 1 行数据有误，未导入任何数据。请修改后重新导入，或选择跳过错误行。",
        field_errors={"第3行": "公民身份号码校验位错误"},
    )
    assert counts(engine) == before
    # skipping the bad row imports the other
    skipped = new_job(engine, total=1)
    assert run(engine, cipher, skipped, data, skip=True) == "done"
    result = job(engine, skipped).result
    assert result is not None and (result.created, len(result.skipped)) == (1, 1)


def test_an_unexpected_failure_is_recorded_in_chinese(engine: Engine, cipher: FieldCipher):
    before = counts(engine)
    job_id = new_job(engine, total=1)
    data = csv_bytes([HEADERS, ["𠮷祥英", JI, "", "", "", "", "", ""]])
    assert run(engine, None, job_id, data) == "failed"  # type: ignore[arg-type]
    error = job(engine, job_id).error
    assert error == imports.JobError(error="HubError", message="系统内部错误，请稍后再试")
    assert counts(engine) == before


def test_a_job_of_another_community_is_not_found(engine: Engine):
    job_id = new_job(engine, total=0)
    with pytest.raises(NotFound):
        job(engine, job_id, community=OTHER_COMMUNITY)
    with pytest.raises(NotFound):
        job(engine, "no-such-job")


def test_a_job_whose_process_stopped_reads_as_interrupted(engine: Engine):
    job_id = new_job(engine, total=10)
    with session_scope(engine) as session:
        row = session.get_one(imports.ImportJob, job_id)
        row.state = "running"
        row.updated_at = datetime.now(UTC) - imports.STALE_AFTER - timedelta(minutes=1)
    view = job(engine, job_id)
    assert view.state == "failed" and view.error is not None
    assert "中断" in view.error.message and "不会重复" in view.error.message
    with session_scope(engine) as session:
        session.get_one(imports.ImportJob, job_id).updated_at = datetime.now(UTC)
    assert job(engine, job_id).state == "running"  # one that moved lately is still going
