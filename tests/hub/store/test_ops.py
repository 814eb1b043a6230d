"""What the ops page reads: failures only IT can mend, with their traces, and each target's week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from hub.crypto import FieldCipher
from hub.store import (
    Delivery,
    DeliveryResult,
    Submission,
    delivery_counts,
    needing_it,
    record_delivery_result,
    save_evidence,
    session_scope,
)
from tests.factories import add_resident, add_submission

NOW = datetime.now(UTC)


def _submissions(engine: Engine, cipher: FieldCipher, n: int) -> list[Submission]:
    with session_scope(engine) as session:
        resident = add_resident(session, cipher, name="𠮷祥英", birth="19420315", sex="2")
        return [add_submission(session, cipher, resident) for _ in range(n)]


def _finish(
    engine: Engine, submission: Submission, target: str, result: DeliveryResult, at: datetime
) -> None:
    with session_scope(engine) as session:
        record_delivery_result(
            session=session,
            submission_id=submission.id,
            target=target,
            summary="高龄津贴申请",
            result=result,
        )
        delivery = session.exec(
            select(Delivery).where(
                Delivery.submission_id == submission.id, Delivery.target == target
            )
        ).one()
        delivery.updated_at = at
        session.add(delivery)


def _evidence(
    engine: Engine, cipher: FieldCipher, submission: Submission, target: str, content_type: str
) -> str:
    with session_scope(engine) as session:
        return save_evidence(
            session=session,
            cipher=cipher,
            submission_id=submission.id,
            target=target,
            content=b"PK\x03\x04 trace",
            content_type=content_type,
        )


def _failed(error_type: str) -> DeliveryResult:
    return DeliveryResult(status="failed", message="需要维护", error_type=error_type)


def test_only_failures_it_must_mend_are_listed_newest_first_with_their_own_traces(
    engine: Engine, cipher: FieldCipher
) -> None:
    first, second = _submissions(engine, cipher, 2)
    trace = _evidence(engine, cipher, first, "civil_affairs", "application/zip")
    _evidence(engine, cipher, first, "civil_affairs", "image/png")  # a screenshot: no trace
    _evidence(engine, cipher, first, "elderly_api", "application/zip")  # another target's
    hour = timedelta(hours=1)
    _finish(engine, first, "civil_affairs", _failed("RobotBroken"), NOW - 2 * hour)
    _finish(engine, first, "elderly_api", _failed("TargetUnavailable"), NOW - 2 * hour)
    _finish(engine, second, "civil_affairs", _failed("ConfigurationError"), NOW - hour)
    rejected = DeliveryResult(status="rejected", message="已申领", error_type="BusinessRejection")
    _finish(engine, second, "elderly_api", rejected, NOW)

    with Session(engine) as session:
        found = needing_it(session=session)
        newest = needing_it(session=session, limit=1)

    listed = [(r.submission_id, r.target, r.error_type) for r in found.rows]
    assert listed == [
        (second.id, "civil_affairs", "ConfigurationError"),
        (first.id, "civil_affairs", "RobotBroken"),
    ]
    assert [r.trace_ids for r in found.rows] == [[], [trace]]
    assert (found.rows[0].submitted_by, found.rows[0].community) == ("worker-yuqi", "玉祁社区")
    assert found.rows[1].failed_at.utcoffset() == timedelta(hours=8)  # Beijing time
    assert found.rows[1].failed_at == NOW - 2 * hour
    assert (newest.total, len(newest.rows)) == (2, 1)


def test_counts_are_per_target_and_status_for_the_last_week_only(
    engine: Engine, cipher: FieldCipher
) -> None:
    first, second, old = _submissions(engine, cipher, 3)
    _finish(engine, first, "civil_affairs", _failed("RobotBroken"), NOW - timedelta(days=1))
    _finish(engine, second, "civil_affairs", _failed("TargetUnavailable"), NOW)
    _finish(engine, second, "elderly_api", DeliveryResult(status="succeeded"), NOW)
    _finish(engine, old, "civil_affairs", DeliveryResult(status="succeeded"), NOW - timedelta(8))

    with Session(engine) as session:
        counts = delivery_counts(session=session, since=NOW - timedelta(days=7))

    # Pending deliveries count from when they were made: just now.
    assert counts == {
        "civil_affairs": {"failed": 2},
        "elderly_api": {"succeeded": 1, "pending": 2},
    }
