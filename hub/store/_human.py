"""Human-in-the-loop tasks: a robot asks (open_human_task), the worker answers through the
delivery workflow's update (answer_human_task), and the robot, still holding the page, reads the
answer (human_task_answer)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from hub.crypto import FieldCipher
from hub.errors import InvalidInput, NotFound
from hub.store._models import Submission, utcnow
from hub.store._models_human import HumanTask
from workflows._human import clean_answer

IMAGE_CONTEXT = "human-task.image"
ANSWER_CONTEXT = "human-task.answer"


@dataclass(frozen=True)
class OpenTask:
    """What the portal shows: never the answer."""

    id: str
    submission_id: str
    target: str
    kind: str
    prompt: str
    has_image: bool
    expires_at: datetime


def open_human_task(
    *,
    session: Session,
    cipher: FieldCipher,
    submission_id: str,
    target: str,
    kind: str,
    prompt: str,
    image: bytes | None,
    image_type: str | None,
    wait_s: float,
) -> str:
    """A new question for this delivery; any earlier one still open is expired (the robot asks
    again only when it has a new page, so an old CAPTCHA's answer would be wrong)."""
    for earlier in _open(session, submission_id, target):
        earlier.state = "expired"
        session.add(earlier)
    task = HumanTask(
        id=secrets.token_hex(16),
        submission_id=submission_id,
        target=target,
        kind=kind,
        prompt=prompt,
        image_enc=None if image is None else cipher.encrypt_bytes(image, context=IMAGE_CONTEXT),
        image_type=image_type if image is not None else None,
        expires_at=utcnow() + timedelta(seconds=wait_s),
    )
    session.add(task)
    return task.id


def check_answer(answer: str) -> str:
    """The answer as the robot will type it; InvalidInput (in Chinese) when it cannot be one."""
    try:
        return clean_answer(answer)
    except ValueError as exc:
        raise InvalidInput("answer refused", user_message=str(exc)) from None


def answer_human_task(
    *, session: Session, cipher: FieldCipher, task_id: str, answer: str, by: str
) -> None:
    """Keep her answer for the robot. Only an open, unexpired task takes one."""
    task = session.get(HumanTask, task_id)
    if task is None:
        raise NotFound(f"human task {task_id}")
    if task.state != "open" or task.expires_at <= utcnow():
        raise InvalidInput("task not open", user_message="该输入已过期，请等待新的验证码")
    task.answer_enc = cipher.encrypt_bytes(check_answer(answer).encode(), context=ANSWER_CONTEXT)
    task.state = "answered"
    task.answered_at = utcnow()
    task.answered_by = by
    session.add(task)


def human_task_answer(*, session: Session, cipher: FieldCipher, task_id: str) -> str | None:
    """Her answer, once given; None while the task waits."""
    task = session.get(HumanTask, task_id)
    if task is None or task.state != "answered" or task.answer_enc is None:
        return None
    return cipher.decrypt_bytes(task.answer_enc, context=ANSWER_CONTEXT).decode()


def expire_human_task(*, session: Session, task_id: str) -> None:
    task = session.get(HumanTask, task_id)
    if task is not None and task.state == "open":
        task.state = "expired"
        session.add(task)


def open_tasks(*, session: Session, submission_id: str) -> list[OpenTask]:
    """The submission's questions still waiting for her, one per target at most."""
    return _waiting(
        select(HumanTask).where(HumanTask.submission_id == submission_id), session=session
    )


def tasks_for_submitter(*, session: Session, username: str) -> list[OpenTask]:
    """Every question still waiting for her, across her submissions, oldest first."""
    return _waiting(
        select(HumanTask)
        .join(Submission, col(Submission.id) == col(HumanTask.submission_id))
        .where(Submission.created_by == username),
        session=session,
    )


def _waiting(query: SelectOfScalar[HumanTask], *, session: Session) -> list[OpenTask]:
    """The query's tasks that are open and not past their time, oldest first, as shown."""
    now = utcnow()
    rows = session.exec(
        query.where(HumanTask.state == "open").order_by(col(HumanTask.asked_at))
    ).all()
    return [
        OpenTask(
            id=t.id,
            submission_id=t.submission_id,
            target=t.target,
            kind=t.kind,
            prompt=t.prompt,
            has_image=t.image_enc is not None,
            expires_at=t.expires_at,
        )
        for t in rows
        if t.expires_at > now
    ]


def human_task_image(
    *, session: Session, cipher: FieldCipher, task_id: str, community: str
) -> tuple[bytes, str]:
    """The CAPTCHA image of an open task of this community's submission."""
    task = session.get(HumanTask, task_id)
    submission = None if task is None else session.get(Submission, task.submission_id)
    if (
        task is None
        or submission is None
        or submission.community_code != community
        or task.image_enc is None
        or task.state != "open"
    ):
        raise NotFound(f"human task image {task_id}")
    return cipher.decrypt_bytes(
        task.image_enc, context=IMAGE_CONTEXT
    ), task.image_type or "image/png"


def _open(session: Session, submission_id: str, target: str) -> list[HumanTask]:
    return list(
        session.exec(
            select(HumanTask).where(
                HumanTask.submission_id == submission_id,
                HumanTask.target == target,
                HumanTask.state == "open",
            )
        ).all()
    )
