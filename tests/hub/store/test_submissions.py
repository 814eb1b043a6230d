from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from hub.crypto import FieldCipher
from hub.errors import NotFound
from hub.store import (
    Delivery,
    DeliveryDecision,
    DeliveryResult,
    Evidence,
    Resident,
    ResidentEvent,
    Submission,
    _submissions,
    create_submission,
    get_scoped_submission,
    load_evidence,
    mark_delivery_running,
    record_delivery_decision,
    record_delivery_result,
    save_evidence,
    session_scope,
    submission_data,
    timeline,
    view_submission,
)
from tests.factories import (
    COMMUNITY,
    OTHER_COMMUNITY,
    TARGETS,
    add_resident,
    add_submission,
    application,
)

if TYPE_CHECKING:
    from tests.hub.store.conftest import RawStore

CLIENT_KEY = "form-7f3a9c2e"
RECEIPT = b"%PDF-1.7 receipt for \xf0\xa0\xae\xb7\xe7\xa5\xa5\xe8\x8b\xb1"


@pytest.fixture
def resident(engine: Engine, cipher: FieldCipher) -> Resident:
    with session_scope(engine) as session:
        return add_resident(session, cipher, name="𠮷祥英", birth="19420315", sex="2")


@pytest.fixture
def submission(engine: Engine, cipher: FieldCipher, resident: Resident) -> Submission:
    with session_scope(engine) as session:
        return add_submission(session, cipher, resident, client_key=CLIENT_KEY)


def submit(
    engine: Engine,
    cipher: FieldCipher,
    resident: Resident,
    *,
    client_key: str = CLIENT_KEY,
    created_by: str = "worker-yuqi",
) -> tuple[Submission, bool]:
    with session_scope(engine) as session:
        return create_submission(
            session=session,
            cipher=cipher,
            resident=resident,
            form_id="elderly-allowance",
            form_version=1,
            targets=list(TARGETS),
            data=application(),
            client_key=client_key,
            created_by=created_by,
        )


def count(engine: Engine, table: type) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


def record(engine: Engine, submission: Submission, target: str, result: DeliveryResult) -> bool:
    with session_scope(engine) as session:
        return record_delivery_result(
            session=session,
            submission_id=submission.id,
            target=target,
            summary=f"高龄津贴申请已报送 {target}",
            result=result,
        )


def status(engine: Engine, submission: Submission) -> str:
    with Session(engine) as session:
        return view_submission(session=session, submission=submission).status


def test_same_client_key_twice_gives_the_same_submission_once(
    engine: Engine, cipher: FieldCipher, resident: Resident
) -> None:
    first, created_first = submit(engine, cipher, resident)
    second, created_second = submit(engine, cipher, resident)

    assert (created_first, created_second) == (True, False)
    assert second.id == first.id
    assert count(engine, Submission) == 1
    with Session(engine) as session:
        targets = session.exec(select(Delivery.target).where(Delivery.submission_id == first.id))
        assert sorted(targets) == sorted(TARGETS)


def test_racing_request_that_loses_on_the_unique_client_key_gets_the_winners_submission(
    engine: Engine, cipher: FieldCipher, resident: Resident, monkeypatch: pytest.MonkeyPatch
) -> None:
    winner, _ = submit(engine, cipher, resident)
    # The loser looked before the winner committed: its first lookup saw nothing.
    real = _submissions._by_client_key
    calls: list[str] = []

    def lookup(session: Session, key: str) -> Submission | None:
        calls.append(key)
        return None if len(calls) == 1 else real(session, key)

    monkeypatch.setattr(_submissions, "_by_client_key", lookup)

    loser, created = submit(engine, cipher, resident)

    assert (loser.id, created) == (winner.id, False)
    assert len(calls) == 2  # the insert hit the unique key and the loser looked again
    assert count(engine, Submission) == 1
    assert count(engine, Delivery) == len(TARGETS)


def test_client_key_reused_by_another_worker_is_not_found(
    engine: Engine, cipher: FieldCipher, resident: Resident
) -> None:
    submit(engine, cipher, resident)
    with pytest.raises(NotFound):
        submit(engine, cipher, resident, created_by="worker-ruixing")
    assert count(engine, Submission) == 1


def test_client_key_reused_for_another_resident_is_not_found(
    engine: Engine, cipher: FieldCipher, resident: Resident
) -> None:
    submit(engine, cipher, resident)
    with session_scope(engine) as session:
        other = add_resident(session, cipher, name="王建国", seq=2)
    with pytest.raises(NotFound):
        submit(engine, cipher, other)


def test_submission_of_another_community_is_not_found(
    engine: Engine, submission: Submission
) -> None:
    with Session(engine) as session:
        with pytest.raises(NotFound):
            get_scoped_submission(
                session=session, submission_id=submission.id, community=OTHER_COMMUNITY
            )
        own = get_scoped_submission(
            session=session, submission_id=submission.id, community=COMMUNITY
        )
        assert own.id == submission.id


def test_recording_a_result_twice_keeps_the_first_and_one_timeline_entry(
    engine: Engine, resident: Resident, submission: Submission
) -> None:
    record(engine, submission, "civil_affairs", DeliveryResult(status="succeeded", receipt_no="A1"))
    record(engine, submission, "civil_affairs", DeliveryResult(status="failed", message="retry"))

    with Session(engine) as session:
        view = view_submission(session=session, submission=submission)
        civil = next(d for d in view.deliveries if d.target == "civil_affairs")
        assert (civil.status, civil.receipt_no, civil.message) == ("succeeded", "A1", None)
        entries = timeline(session=session, resident=resident)
    assert [(e.target, e.receipt_no) for e in entries] == [("civil_affairs", "A1")]
    assert count(engine, ResidentEvent) == 1


def test_a_failures_error_type_is_kept_and_a_rerun_does_not_overwrite_it(
    engine: Engine, submission: Submission
) -> None:
    broken = DeliveryResult(status="failed", message="程序需要维护", error_type="RobotBroken")
    later = DeliveryResult(status="failed", message="稍后重试", error_type="TargetUnavailable")

    assert record(engine, submission, "civil_affairs", broken) is True
    assert record(engine, submission, "civil_affairs", later) is False

    with Session(engine) as session:
        delivery = session.exec(
            select(Delivery).where(
                Delivery.submission_id == submission.id, Delivery.target == "civil_affairs"
            )
        ).one()
    assert (delivery.status, delivery.error_type) == ("failed", "RobotBroken")
    assert delivery.message == "程序需要维护"


def test_a_finished_delivery_is_not_marked_running_again(
    engine: Engine, submission: Submission
) -> None:
    record(engine, submission, "elderly_api", DeliveryResult(status="rejected", message="已申领"))
    with session_scope(engine) as session:
        mark_delivery_running(session=session, submission_id=submission.id, target="elderly_api")
    with Session(engine) as session:
        view = view_submission(session=session, submission=submission)
    assert {d.target: d.status for d in view.deliveries}["elderly_api"] == "rejected"


def test_result_for_a_target_the_submission_does_not_have_is_not_found(
    engine: Engine, submission: Submission
) -> None:
    with pytest.raises(NotFound):
        record(engine, submission, "housing", DeliveryResult(status="succeeded"))


def test_overall_status_is_in_progress_until_every_target_is_done(
    engine: Engine, submission: Submission
) -> None:
    assert status(engine, submission) == "in_progress"
    with session_scope(engine) as session:
        mark_delivery_running(session=session, submission_id=submission.id, target="elderly_api")
    record(engine, submission, "civil_affairs", DeliveryResult(status="succeeded"))
    assert status(engine, submission) == "in_progress"
    record(engine, submission, "elderly_api", DeliveryResult(status="succeeded"))
    assert status(engine, submission) == "succeeded"


@pytest.mark.parametrize("other", ["rejected", "failed"])
def test_overall_status_needs_attention_when_a_target_did_not_succeed(
    engine: Engine, submission: Submission, other: str
) -> None:
    record(engine, submission, "civil_affairs", DeliveryResult(status="succeeded"))
    record(engine, submission, "elderly_api", DeliveryResult(status=other))
    assert status(engine, submission) == "needs_attention"


def test_evidence_round_trips_for_the_submissions_community(
    engine: Engine, cipher: FieldCipher, submission: Submission
) -> None:
    with session_scope(engine) as session:
        evidence_id = save_evidence(
            session=session,
            cipher=cipher,
            submission_id=submission.id,
            target="civil_affairs",
            content=RECEIPT,
            content_type="application/pdf",
        )
    with Session(engine) as session:
        loaded = load_evidence(
            session=session, cipher=cipher, evidence_id=evidence_id, community=COMMUNITY
        )
    assert loaded == (RECEIPT, "application/pdf")


def test_evidence_is_not_found_for_another_community_or_an_unknown_id(
    engine: Engine, cipher: FieldCipher, submission: Submission
) -> None:
    with session_scope(engine) as session:
        evidence_id = save_evidence(
            session=session,
            cipher=cipher,
            submission_id=submission.id,
            target="civil_affairs",
            content=RECEIPT,
            content_type="application/pdf",
        )
    with Session(engine) as session:
        with pytest.raises(NotFound):
            load_evidence(
                session=session, cipher=cipher, evidence_id=evidence_id, community=OTHER_COMMUNITY
            )
        with pytest.raises(NotFound):
            load_evidence(session=session, cipher=cipher, evidence_id="0" * 32, community=COMMUNITY)


@pytest.mark.parametrize("bad_id", ["abc\x00def", "0" * 31 + "\x00"])
def test_an_id_that_cannot_exist_is_not_found_not_an_error(
    engine: Engine, cipher: FieldCipher, submission: Submission, bad_id: str
) -> None:
    # PostgreSQL refuses NUL in a text parameter outright; such ids come straight from URLs.
    with Session(engine) as session:
        with pytest.raises(NotFound):
            get_scoped_submission(session=session, submission_id=bad_id, community=COMMUNITY)
        with pytest.raises(NotFound):
            load_evidence(session=session, cipher=cipher, evidence_id=bad_id, community=COMMUNITY)


def test_submitted_data_round_trips(
    engine: Engine, cipher: FieldCipher, submission: Submission
) -> None:
    with Session(engine) as session:
        stored = session.get(Submission, submission.id)
        assert stored is not None
        assert submission_data(cipher=cipher, submission=stored) == application()


def test_submission_data_and_evidence_are_encrypted_at_rest(
    engine: Engine, cipher: FieldCipher, submission: Submission, raw_store: "RawStore"
) -> None:
    with session_scope(engine) as session:
        save_evidence(
            session=session,
            cipher=cipher,
            submission_id=submission.id,
            target="civil_affairs",
            content=RECEIPT,
            content_type="application/pdf",
        )
    data = application()
    secrets = [data["id_number"], data["bank_account"], data["phone"], data["address"], "𠮷祥英"]

    raw = raw_store.bytes()
    assert CLIENT_KEY.encode() in raw  # the scan does see what the store wrote
    for secret in secrets:
        assert secret.encode() not in raw, secret
    assert RECEIPT not in raw

    values = raw_store.values()
    assert CLIENT_KEY in values
    assert count(engine, Evidence) == 1
    for secret in secrets:
        assert not any(secret in str(v) for v in values), secret
    assert not any(isinstance(v, bytes) and b"%PDF" in v for v in values)


def decide(engine: Engine, submission: Submission, target: str, decision: DeliveryDecision) -> None:
    with session_scope(engine) as session:
        record_delivery_decision(
            session=session,
            submission_id=submission.id,
            target=target,
            title=f"高龄津贴申请 → {target}",
            decision=decision,
        )


def test_an_approval_lands_on_the_delivery_and_the_timeline_once(
    engine: Engine, resident: Resident, submission: Submission
) -> None:
    record(engine, submission, "civil_affairs", DeliveryResult(status="succeeded", receipt_no="A1"))
    approved = DeliveryDecision(
        result="approved",
        amount=Decimal("100"),
        amount_per="月",
        starts_on=date(2026, 12, 1),
        decided_on=date(2026, 11, 30),
    )
    decide(engine, submission, "civil_affairs", approved)
    # Recorded twice (an activity retried after its write): the first stays, no second line.
    decide(engine, submission, "civil_affairs", DeliveryDecision(result="rejected", reason="x"))

    with Session(engine) as session:
        view = view_submission(session=session, submission=submission)
        entries = timeline(session=session, resident=resident)
    civil = next(d for d in view.deliveries if d.target == "civil_affairs")
    assert civil.decision is not None
    assert (civil.decision.result, civil.decision.amount) == ("approved", "100.00")
    assert (civil.decision.starts_on, civil.decision.decided_on) == ("2026-12-01", "2026-11-30")
    assert civil.decision.summary == "审核通过，每月100元，自2026-12-01起发放"
    assert [e.summary for e in entries if e.kind == "decision"] == [
        "高龄津贴申请 → civil_affairs：审核通过，每月100元，自2026-12-01起发放"
    ]
    assert next(e for e in entries if e.kind == "decision").receipt_no == "A1"
    assert count(engine, ResidentEvent) == 2  # the delivery line and the decision line


def test_a_refusal_keeps_the_targets_reason(engine: Engine, submission: Submission) -> None:
    record(engine, submission, "elderly_api", DeliveryResult(status="succeeded", receipt_no="Y1"))
    refused = DeliveryDecision(
        result="rejected", decided_on=date(2026, 11, 30), reason="户籍不在本市"
    )
    decide(engine, submission, "elderly_api", refused)

    with Session(engine) as session:
        view = view_submission(session=session, submission=submission)
    api = next(d for d in view.deliveries if d.target == "elderly_api")
    assert api.decision is not None
    assert (api.decision.amount, api.decision.summary) == (None, "不予批准：户籍不在本市")


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (Decimal("12.5"), "每月12.50元"),
        (Decimal("0.01"), "每月0.01元"),
        (Decimal("300"), "每月300元"),
    ],
)
def test_amounts_are_kept_to_the_fen(
    engine: Engine, submission: Submission, amount: Decimal, words: str
) -> None:
    decide(
        engine,
        submission,
        "civil_affairs",
        DeliveryDecision(result="approved", amount=amount, amount_per="月"),
    )
    with Session(engine) as session:
        view = view_submission(session=session, submission=submission)
    civil = next(d for d in view.deliveries if d.target == "civil_affairs")
    assert civil.decision is not None
    assert civil.decision.amount == f"{amount:.2f}"
    assert civil.decision.summary == f"审核通过，{words}"
