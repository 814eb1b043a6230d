"""Questions a robot puts to the worker who submitted, and her answers, in the store; and who may
answer (hub/human.py) before anything reaches Temporal."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from hub import human
from hub.crypto import FieldCipher
from hub.errors import Forbidden, InvalidInput, NotFound
from hub.store import (
    HumanTask,
    answer_human_task,
    expire_human_task,
    human_task_answer,
    human_task_image,
    open_human_task,
    open_tasks,
    session_scope,
    tasks_for_submitter,
)
from hub.store._models import Submission, utcnow
from tests.factories import COMMUNITY, add_community, add_resident, add_submission

IMAGE = b"\x89PNG\r\n\x1a\n captcha"


def _submission(engine: Engine, cipher: FieldCipher) -> str:
    with session_scope(engine) as session:
        add_community(session)
        resident = add_resident(session, cipher, name="周桂英", birth="19400101", sex="2")
        return add_submission(session, cipher, resident, created_by="worker-yuqi").id


def _ask(session: Session, cipher: FieldCipher, submission_id: str, wait_s: float = 60) -> str:
    return open_human_task(
        session=session,
        cipher=cipher,
        submission_id=submission_id,
        target="veterans",
        kind="captcha",
        prompt="请输入图中的验证码",
        image=IMAGE,
        image_type="image/png",
        wait_s=wait_s,
    )


def test_a_task_waits_for_her_answer_and_keeps_it_sealed(engine: Engine, cipher: FieldCipher):
    submission_id = _submission(engine, cipher)
    with session_scope(engine) as session:
        task_id = _ask(session, cipher, submission_id)
    with session_scope(engine) as session:
        [shown] = open_tasks(session=session, submission_id=submission_id)
        assert (shown.id, shown.target, shown.has_image) == (task_id, "veterans", True)
        assert human_task_image(
            session=session, cipher=cipher, task_id=task_id, community=COMMUNITY
        ) == (IMAGE, "image/png")
        assert human_task_answer(session=session, cipher=cipher, task_id=task_id) is None
        answer_human_task(session=session, cipher=cipher, task_id=task_id, answer=" ab12 ", by="w")
    with session_scope(engine) as session:
        assert human_task_answer(session=session, cipher=cipher, task_id=task_id) == "ab12"
        assert open_tasks(session=session, submission_id=submission_id) == []
        stored = session.get(HumanTask, task_id)
        assert stored is not None and stored.answer_enc and b"ab12" not in stored.answer_enc


def test_her_waiting_questions_are_listed_for_her_only(engine: Engine, cipher: FieldCipher):
    submission_id = _submission(engine, cipher)  # made by worker-yuqi
    with session_scope(engine) as session:
        task_id = _ask(session, cipher, submission_id)
    with session_scope(engine) as session:
        mine = tasks_for_submitter(session=session, username="worker-yuqi")
        assert [(t.id, t.submission_id) for t in mine] == [(task_id, submission_id)]
        assert tasks_for_submitter(session=session, username="worker-other") == []
        answer_human_task(session=session, cipher=cipher, task_id=task_id, answer="ab12", by="w")
    with session_scope(engine) as session:
        assert tasks_for_submitter(session=session, username="worker-yuqi") == []


def test_a_new_question_expires_the_old_one(engine: Engine, cipher: FieldCipher):
    submission_id = _submission(engine, cipher)
    with session_scope(engine) as session:
        first = _ask(session, cipher, submission_id)
    with session_scope(engine) as session:
        second = _ask(session, cipher, submission_id)
    with session_scope(engine) as session:
        assert [t.id for t in open_tasks(session=session, submission_id=submission_id)] == [second]
        with pytest.raises(InvalidInput) as late:
            answer_human_task(session=session, cipher=cipher, task_id=first, answer="x", by="w")
        assert "过期" in late.value.user_message


@pytest.mark.parametrize("answer", ["", "   ", "x" * 33, "ab\x00c"])
def test_an_answer_that_cannot_be_typed_is_refused_in_chinese(
    engine: Engine, cipher: FieldCipher, answer: str
):
    submission_id = _submission(engine, cipher)
    with session_scope(engine) as session:
        task_id = _ask(session, cipher, submission_id)
        with pytest.raises(InvalidInput) as refused:
            answer_human_task(
                session=session, cipher=cipher, task_id=task_id, answer=answer, by="w"
            )
        assert refused.value.user_message.startswith(("请输入", "输入内容"))


def test_an_expired_task_is_neither_shown_nor_answered(engine: Engine, cipher: FieldCipher):
    submission_id = _submission(engine, cipher)
    with session_scope(engine) as session:
        timed_out = _ask(session, cipher, submission_id)
        task = session.get(HumanTask, timed_out)
        assert task is not None
        task.expires_at = utcnow() - timedelta(seconds=1)
    with session_scope(engine) as session:
        assert open_tasks(session=session, submission_id=submission_id) == []
        with pytest.raises(InvalidInput):
            answer_human_task(session=session, cipher=cipher, task_id=timed_out, answer="1", by="w")
        closed = _ask(session, cipher, submission_id)
    with session_scope(engine) as session:
        expire_human_task(session=session, task_id=closed)
    with session_scope(engine) as session, pytest.raises(NotFound):
        human_task_image(session=session, cipher=cipher, task_id=closed, community=COMMUNITY)


def test_another_communitys_worker_gets_no_image(engine: Engine, cipher: FieldCipher):
    submission_id = _submission(engine, cipher)
    with session_scope(engine) as session:
        task_id = _ask(session, cipher, submission_id)
        with pytest.raises(NotFound):
            human_task_image(session=session, cipher=cipher, task_id=task_id, community="3" * 12)


async def test_only_she_who_submitted_may_answer(engine: Engine, cipher: FieldCipher):
    submission_id = _submission(engine, cipher)
    with session_scope(engine) as session:
        task_id = _ask(session, cipher, submission_id)
    state = SimpleNamespace(temporal=None)  # refused before Temporal is ever asked
    with session_scope(engine) as session:
        submission = session.get(Submission, submission_id)
        assert submission is not None
        with pytest.raises(Forbidden) as colleague:
            await human.answer_task(
                state=state,  # type: ignore[arg-type]
                session=session,
                submission=submission,
                task_id=task_id,
                answer="ab12",
                username="worker-other",
            )
        assert "提交人本人" in colleague.value.user_message
        with pytest.raises(NotFound):
            await human.answer_task(
                state=state,  # type: ignore[arg-type]
                session=session,
                submission=submission,
                task_id="f" * 32,
                answer="ab12",
                username="worker-yuqi",
            )
