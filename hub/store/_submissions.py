"""Submissions and their per-target deliveries; delivery results flow back here (回流)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from hub.crypto import FieldCipher
from hub.errors import NotFound
from hub.store._models import Delivery, Evidence, Resident, ResidentEvent, Submission, utcnow

_DATA = "submission.data"
_EVIDENCE = "evidence.blob"

TERMINAL = frozenset({"succeeded", "rejected", "failed", "withdrawn", "manual"})
# Submission and evidence ids are uuid4 hex. They arrive in URLs, so an id of any other shape is
# simply not found, the same on every database: PostgreSQL refuses a text parameter holding NUL
# (DataError, a 500) where SQLite would look it up and find nothing.
_ID = re.compile(r"[0-9a-f]{32}")


class DecisionView(BaseModel):
    """A target's review decision as the portal and the API show it."""

    result: str  # approved | rejected | unknown
    amount: str | None  # yuan with two decimals, e.g. "100.00"
    amount_per: str | None
    starts_on: str | None
    decided_on: str | None
    reason: str | None
    summary: str  # one Chinese sentence: 审核通过，每月100元，自2026-12-01起发放


class DeliveryView(BaseModel):
    target: str
    status: str
    receipt_no: str | None
    evidence_id: str | None
    message: str | None
    updated_at: str
    decision: DecisionView | None = None


class SubmissionView(BaseModel):
    id: str
    form_id: str
    form_version: int
    resident_id: int
    created_by: str
    created_at: str
    status: str
    deliveries: list[DeliveryView]
    amends_id: str | None = None  # the submission this one corrects
    amended_by: str | None = None  # the submission that corrects this one


class DeliveryResult(BaseModel):
    status: str
    receipt_no: str | None = None
    evidence_id: str | None = None
    message: str | None = None
    error_type: str | None = None  # failed: the error's class name, e.g. RobotBroken


class DeliveryDecision(BaseModel):
    result: str  # approved | rejected | unknown
    amount: Decimal | None = None  # yuan
    amount_per: str | None = None
    starts_on: date | None = None
    decided_on: date | None = None
    reason: str | None = None


def create_submission(
    *,
    session: Session,
    cipher: FieldCipher,
    resident: Resident,
    form_id: str,
    form_version: int,
    targets: list[str],
    data: dict[str, Any],
    client_key: str,
    created_by: str,
    amends_id: str | None = None,
    manual: Mapping[str, str] | None = None,
) -> tuple[Submission, bool]:
    """Create a submission, or return the one this client key already made (double clicks).

    Returns (submission, created). The unique client key, not a read-then-write, is what makes
    two racing requests end with one row. amends_id: the submission this one corrects; manual:
    targets that cannot take the correction from the hub, each with what the worker must do
    there (their delivery is 需手工修改 from the start, and no robot goes).
    """
    existing = _by_client_key(session, client_key)
    if existing is not None:
        _check_same_caller(existing, resident, created_by)
        return existing, False
    submission_id = uuid.uuid4().hex
    submission = Submission(
        id=submission_id,
        community_code=resident.community_code,
        resident_id=resident.id or 0,
        form_id=form_id,
        form_version=form_version,
        client_key=client_key,
        data_enc=cipher.encrypt(json.dumps(data, ensure_ascii=False), context=_DATA),
        targets=",".join(targets),
        created_by=created_by,
        amends_id=amends_id,
    )
    manual = manual or {}
    try:
        with session.begin_nested():
            session.add(submission)
            session.flush()
            for target in targets:
                if target in manual:
                    delivery = Delivery(
                        submission_id=submission_id,
                        target=target,
                        status="manual",
                        message=manual[target],
                    )
                else:
                    delivery = Delivery(submission_id=submission_id, target=target)
                session.add(delivery)
            session.flush()
    except IntegrityError:
        existing = _by_client_key(session, client_key)
        if existing is None:
            raise
        _check_same_caller(existing, resident, created_by)
        return existing, False
    return submission, True


def get_scoped_submission(*, session: Session, submission_id: str, community: str) -> Submission:
    submission = session.get(Submission, submission_id) if _ID.fullmatch(submission_id) else None
    if submission is None or submission.community_code != community:
        raise NotFound(f"submission {submission_id} not in scope")
    return submission


def submission_data(*, cipher: FieldCipher, submission: Submission) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(cipher.decrypt(submission.data_enc, context=_DATA))
    return data


def view_submission(*, session: Session, submission: Submission) -> SubmissionView:
    deliveries = session.exec(
        select(Delivery)
        .where(Delivery.submission_id == submission.id)
        .order_by(col(Delivery.target))
    ).all()
    return SubmissionView(
        id=submission.id,
        form_id=submission.form_id,
        form_version=submission.form_version,
        resident_id=submission.resident_id,
        created_by=submission.created_by,
        created_at=submission.created_at.isoformat(timespec="seconds"),
        status=_overall([d.status for d in deliveries]),
        amends_id=submission.amends_id,
        amended_by=session.exec(
            select(Submission.id).where(Submission.amends_id == submission.id)
        ).first(),
        deliveries=[
            DeliveryView(
                target=d.target,
                status=d.status,
                receipt_no=d.receipt_no,
                evidence_id=d.evidence_id,
                message=d.message,
                updated_at=d.updated_at.isoformat(timespec="seconds"),
                decision=decision_view(d),
            )
            for d in deliveries
        ],
    )


def mark_delivery_running(*, session: Session, submission_id: str, target: str) -> None:
    delivery = _delivery(session, submission_id, target)
    if delivery.status not in TERMINAL:
        delivery.status = "running"
        delivery.message = None  # e.g. the request to log in again, answered
        delivery.updated_at = utcnow()
        session.add(delivery)


def mark_delivery_needs_login(
    *, session: Session, submission_id: str, target: str, message: str
) -> None:
    """The target needs the submitter to log in again before the robot can go on as her."""
    mark_delivery_waiting(
        session=session,
        submission_id=submission_id,
        target=target,
        status="needs_login",
        message=message,
    )


#: What a delivery may wait for, shown to the worker with the message saying until when.
WAITING = frozenset({"needs_login", "waiting_hours", "needs_human"})


def mark_delivery_waiting(
    *, session: Session, submission_id: str, target: str, status: str, message: str
) -> None:
    """The delivery waits (for her to log in again, for the target's office hours), and says why."""
    if status not in WAITING:
        raise ValueError(f"not a waiting status: {status}")
    delivery = _delivery(session, submission_id, target)
    if delivery.status not in TERMINAL:
        delivery.status = status
        delivery.message = message
        delivery.updated_at = utcnow()
        session.add(delivery)


def record_delivery_result(
    *, session: Session, submission_id: str, target: str, summary: str, result: DeliveryResult
) -> bool:
    """Write one target's result back to the store and the resident's timeline, once.

    Activities may run twice (a worker dies after writing, before reporting); a result already
    recorded is left as it is, so the timeline gets one entry per target. Returns whether this
    call recorded it.
    """
    delivery = _delivery(session, submission_id, target)
    if delivery.status in TERMINAL:
        return False
    delivery.status = result.status
    delivery.receipt_no = result.receipt_no
    delivery.evidence_id = result.evidence_id
    delivery.message = result.message
    delivery.error_type = result.error_type
    delivery.updated_at = utcnow()
    session.add(delivery)
    submission = session.get(Submission, submission_id)
    assert submission is not None
    session.add(
        ResidentEvent(
            resident_id=submission.resident_id,
            community_code=submission.community_code,
            kind="delivery",
            summary=summary,
            submission_id=submission_id,
            target=target,
            receipt_no=result.receipt_no,
            evidence_id=result.evidence_id,
        )
    )
    return True


def record_delivery_decision(
    *, session: Session, submission_id: str, target: str, title: str, decision: DeliveryDecision
) -> None:
    """Write a target's review decision back to the delivery and the resident's timeline, once.

    title names the form and the target (高龄津贴申请 → 市养老服务信息平台); the timeline line
    adds the decision in words. A decision already recorded is left as it is.
    """
    delivery = _delivery(session, submission_id, target)
    if delivery.decision is not None:
        return
    delivery.decision = decision.result
    if decision.amount is not None:
        delivery.decision_amount_fen = int((decision.amount * 100).to_integral_value())
    delivery.decision_amount_per = decision.amount_per
    delivery.decision_starts_on = decision.starts_on
    delivery.decided_on = decision.decided_on
    delivery.decision_reason = decision.reason
    delivery.updated_at = utcnow()
    session.add(delivery)
    submission = session.get(Submission, submission_id)
    assert submission is not None
    view = decision_view(delivery)
    assert view is not None
    session.add(
        ResidentEvent(
            resident_id=submission.resident_id,
            community_code=submission.community_code,
            kind="decision",
            summary=f"{title}：{view.summary}",
            submission_id=submission_id,
            target=target,
            receipt_no=delivery.receipt_no,
        )
    )


def _decision_summary(
    *,
    result: str,
    amount: Decimal | None,
    amount_per: str | None,
    starts_on: date | None,
    reason: str | None,
) -> str:
    """One Chinese sentence for a decision, as the timeline, the portal and the ledger show it."""
    if result == "approved":
        words = "审核通过"
        if amount is not None:
            words += f"，每{amount_per or '月'}{_yuan(amount)}元"
        if starts_on is not None:
            words += f"，自{starts_on.isoformat()}起发放"
        return words
    if result == "rejected":
        return f"不予批准：{reason}" if reason else "不予批准"
    return f"未取得审核结果：{reason}" if reason else "未取得审核结果"


def save_evidence(
    *,
    session: Session,
    cipher: FieldCipher,
    submission_id: str,
    target: str,
    content: bytes,
    content_type: str,
) -> str:
    evidence_id = uuid.uuid4().hex
    session.add(
        Evidence(
            id=evidence_id,
            submission_id=submission_id,
            target=target,
            content_type=content_type,
            blob_enc=cipher.encrypt_bytes(content, context=_EVIDENCE),
        )
    )
    return evidence_id


def load_evidence(
    *, session: Session, cipher: FieldCipher, evidence_id: str, community: str
) -> tuple[bytes, str]:
    evidence = session.get(Evidence, evidence_id) if _ID.fullmatch(evidence_id) else None
    if evidence is None:
        raise NotFound("evidence not found")
    get_scoped_submission(
        session=session, submission_id=evidence.submission_id, community=community
    )
    return cipher.decrypt_bytes(evidence.blob_enc, context=_EVIDENCE), evidence.content_type


def _delivery(session: Session, submission_id: str, target: str) -> Delivery:
    delivery = session.exec(
        select(Delivery).where(Delivery.submission_id == submission_id, Delivery.target == target)
    ).first()
    if delivery is None:
        raise NotFound(f"no delivery {target} for submission {submission_id}")
    return delivery


def decision_view(delivery: Delivery) -> DecisionView | None:
    if delivery.decision is None:
        return None
    amount = (
        None
        if delivery.decision_amount_fen is None
        else Decimal(delivery.decision_amount_fen) / 100
    )
    return DecisionView(
        result=delivery.decision,
        amount=None if amount is None else f"{amount:.2f}",
        amount_per=delivery.decision_amount_per,
        starts_on=_iso(delivery.decision_starts_on),
        decided_on=_iso(delivery.decided_on),
        reason=delivery.decision_reason,
        summary=_decision_summary(
            result=delivery.decision,
            amount=amount,
            amount_per=delivery.decision_amount_per,
            starts_on=delivery.decision_starts_on,
            reason=delivery.decision_reason,
        ),
    )


def _yuan(amount: Decimal) -> str:
    # 100 rather than 100.00; 12.5 stays 12.50.
    return f"{amount:.0f}" if amount == amount.to_integral_value() else f"{amount:.2f}"


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _by_client_key(session: Session, client_key: str) -> Submission | None:
    return session.exec(select(Submission).where(Submission.client_key == client_key)).first()


def _check_same_caller(existing: Submission, resident: Resident, created_by: str) -> None:
    # A client key is a per-form-instance random value; reuse by someone else is not a retry.
    if existing.created_by != created_by or existing.resident_id != resident.id:
        raise NotFound("client key belongs to another submission")


def _overall(statuses: list[str]) -> str:
    if statuses and all(s == "succeeded" for s in statuses):
        return "succeeded"
    if any(s not in TERMINAL for s in statuses):
        return "in_progress"
    if "withdrawn" in statuses and all(s in ("succeeded", "withdrawn") for s in statuses):
        return "withdrawn"  # what was filed before she withdrew stays filed, and says so
    return "needs_attention"


def reopen_failed_deliveries(*, session: Session, submission_id: str) -> list[str]:
    """The submission's failed deliveries back to 排队中, for 重新报送; returns their targets.
    Accepted and rejected ones keep their outcome."""
    failed = session.exec(
        select(Delivery).where(Delivery.submission_id == submission_id, Delivery.status == "failed")
    ).all()
    for delivery in failed:
        delivery.status = "pending"
        delivery.message = None
        delivery.error_type = None
        delivery.evidence_id = None
        delivery.updated_at = utcnow()
        session.add(delivery)
    return sorted(d.target for d in failed)


def mark_delivery_withdrawn(*, session: Session, submission_id: str, target: str) -> bool:
    """She withdrew the submission before this target had it; False if it already had an
    outcome (filed is filed: the target keeps it)."""
    delivery = _delivery(session, submission_id, target)
    if delivery.status in TERMINAL:
        return False
    delivery.status = "withdrawn"
    delivery.message = "已撤回，未向该系统报送"
    delivery.updated_at = utcnow()
    session.add(delivery)
    return True
