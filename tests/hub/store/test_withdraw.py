"""撤回 in the store and who may ask for it (hub/withdrawing.py), before Temporal is involved;
the deliveries stopping is tests/workflows/test_withdraw.py and tests/e2e/test_withdraw.py."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import Engine

from hub import withdrawing
from hub.crypto import FieldCipher
from hub.errors import Forbidden, InvalidInput, TargetUnavailable
from hub.store import (
    DeliveryResult,
    mark_delivery_withdrawn,
    record_delivery_result,
    session_scope,
    view_submission,
)
from hub.store._models import Submission
from identity import Principal
from tests.factories import COMMUNITY, add_community, add_resident, add_submission


def _submission(engine: Engine, cipher: FieldCipher) -> str:
    with session_scope(engine) as session:
        add_community(session)
        resident = add_resident(session, cipher, name="李秀兰", birth="19380122", sex="2")
        submission = add_submission(
            session,
            cipher,
            resident,
            created_by="worker-a",
            targets=("civil_affairs", "elderly_api"),
        )
        return submission.id


def _who(username: str, *roles: str) -> Principal:
    return Principal(
        subject=f"s-{username}",
        username=username,
        name="社工",
        roles=frozenset(roles or ("worker",)),
        community_code=COMMUNITY,
    )


def test_a_withdrawn_delivery_says_so_and_a_filed_one_keeps_its_receipt(
    engine: Engine, cipher: FieldCipher
):
    submission_id = _submission(engine, cipher)
    with session_scope(engine) as session:
        record_delivery_result(
            session=session,
            submission_id=submission_id,
            target="elderly_api",
            summary="高龄津贴申请 → 市养老服务信息平台：已受理",
            result=DeliveryResult(status="succeeded", receipt_no="YL-1"),
        )
        assert mark_delivery_withdrawn(
            session=session, submission_id=submission_id, target="civil_affairs"
        )
        assert not mark_delivery_withdrawn(  # filed is filed
            session=session, submission_id=submission_id, target="elderly_api"
        )
    with session_scope(engine) as session:
        view = view_submission(session=session, submission=session.get(Submission, submission_id))
    lines = {d.target: (d.status, d.receipt_no, d.message) for d in view.deliveries}
    assert lines == {
        "civil_affairs": ("withdrawn", None, "已撤回，未向该系统报送"),
        "elderly_api": ("succeeded", "YL-1", None),
    }
    assert view.status == "withdrawn"


async def test_only_the_submitter_or_her_community_admin_may_withdraw(
    engine: Engine, cipher: FieldCipher
):
    submission_id = _submission(engine, cipher)
    state = SimpleNamespace(temporal=None, cipher=cipher)
    with session_scope(engine) as session:
        submission = session.get(Submission, submission_id)
        assert submission is not None
        with pytest.raises(Forbidden) as colleague:
            await withdrawing.withdraw(
                state=state,  # type: ignore[arg-type]
                session=session,
                submission=submission,
                user=_who("worker-c"),
            )
        assert "提交人或社区管理员" in colleague.value.user_message
        for user in (_who("worker-a"), _who("admin-a", "worker", "community_admin")):
            # Allowed: they get as far as Temporal (not connected in this test).
            with pytest.raises(TargetUnavailable):
                await withdrawing.withdraw(
                    state=state,  # type: ignore[arg-type]
                    session=session,
                    submission=submission,
                    user=user,
                )


async def test_a_finished_submission_cannot_be_withdrawn(engine: Engine, cipher: FieldCipher):
    submission_id = _submission(engine, cipher)
    with session_scope(engine) as session:
        for target in ("civil_affairs", "elderly_api"):
            record_delivery_result(
                session=session,
                submission_id=submission_id,
                target=target,
                summary="已受理",
                result=DeliveryResult(status="succeeded", receipt_no=f"R-{target}"),
            )
    with session_scope(engine) as session:
        submission = session.get(Submission, submission_id)
        assert submission is not None
        with pytest.raises(InvalidInput) as done:
            await withdrawing.withdraw(
                state=SimpleNamespace(temporal=None, cipher=cipher),  # type: ignore[arg-type]
                session=session,
                submission=submission,
                user=_who("worker-a"),
            )
    assert done.value.user_message == "报送已结束，无法撤回"
