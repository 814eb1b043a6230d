"""record_delivery_result: the outcome lands in the store, and a failure only IT can mend is
logged once at ERROR, with ids and the error type only."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select
from temporalio.testing import ActivityEnvironment

from connectors.civil_affairs import connector as civil_affairs
from connectors.elderly_api import connector as elderly_api
from hub.store import Delivery, Submission, session_scope
from tests.factories import add_resident, add_submission, application, make_store, make_vault
from workflows.activities import HubActivities
from workflows.models import DeliverOutput, RecordInput

NAME = "欧阳𠮷英"
ID_NUMBER = "32020619420315124X"
LOGGER = "workflows.activities"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[tuple[Engine, HubActivities, Submission]]:
    engine, cipher = make_store(tmp_path)
    with session_scope(engine) as session:
        resident = add_resident(session, cipher, name=NAME, id_number=ID_NUMBER)
        data = application(name=NAME, id_number=ID_NUMBER)
        submission = add_submission(session, cipher, resident, data=data)
    activities = HubActivities(
        engine=engine,
        cipher=cipher,
        vault=make_vault(),
        connectors={"civil_affairs": civil_affairs, "elderly_api": elderly_api},
        configs={},
        browsers=None,
    )
    yield engine, activities, submission
    engine.dispose()


def _record(activities: HubActivities, submission: Submission, target: str, **outcome: str) -> None:
    data = RecordInput(
        submission_id=submission.id,
        connector_id=target,
        form_title="高龄津贴申请",
        outcome=DeliverOutput.model_validate(outcome),
    )
    ActivityEnvironment().run(activities.record_result, data)


def _errors(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == LOGGER and r.levelno >= logging.ERROR]


def test_a_broken_robot_is_stored_and_logged_once_for_it_without_personal_data(
    store: tuple[Engine, HubActivities, Submission], caplog: pytest.LogCaptureFixture
) -> None:
    engine, activities, submission = store
    caplog.set_level(logging.INFO, logger=LOGGER)
    broken = {"status": "failed", "message": "自动填报程序需要维护", "error_type": "RobotBroken"}

    _record(activities, submission, "civil_affairs", **broken)
    _record(activities, submission, "civil_affairs", **broken)  # the activity ran again

    [line] = _errors(caplog)
    assert line.getMessage() == (
        f"delivery {submission.id}:civil_affairs needs IT: RobotBroken (省民政厅高龄津贴管理系统)"
    )
    assert NAME not in caplog.text and ID_NUMBER not in caplog.text
    with Session(engine) as session:
        stored = session.exec(select(Delivery.target, Delivery.status, Delivery.error_type)).all()
    assert ("civil_affairs", "failed", "RobotBroken") in stored


def test_a_business_rejection_goes_to_the_worker_not_to_it(
    store: tuple[Engine, HubActivities, Submission], caplog: pytest.LogCaptureFixture
) -> None:
    engine, activities, submission = store
    caplog.set_level(logging.INFO, logger=LOGGER)
    rejected = {"status": "rejected", "message": "已申领", "error_type": "BusinessRejection"}

    _record(activities, submission, "elderly_api", **rejected)

    assert _errors(caplog) == []
    with Session(engine) as session:
        stored = session.exec(select(Delivery.target, Delivery.error_type)).all()
    assert ("elderly_api", "BusinessRejection") in stored
