"""The monthly work ledger: the community's own work and its deliveries, in Beijing dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from hub.crypto import FieldCipher
from hub.demo import COMMUNITY_A, COMMUNITY_B
from hub.errors import InvalidInput
from hub.reports import ReportDefinition, run_report
from hub.store import (
    CommunityEvent,
    DeliveryResult,
    EventCreate,
    Resident,
    record_delivery_result,
    record_event,
    session_scope,
)
from tests.factories import add_submission
from tests.hub.reports.conftest import TODAY

NAMES = {"civil_affairs": "民政系统"}


def event(
    session: Session, code: str, kind: str, title: str, day: date, resident: int | None = None
) -> CommunityEvent:
    data = EventCreate(kind=kind, title=title, occurred_on=day, resident_id=resident)
    return record_event(session=session, data=data, community=code, recorded_by="worker-a")


def residents(session: Session, code: str) -> list[Resident]:
    stmt = select(Resident).where(Resident.community_code == code).order_by(col(Resident.id))
    return list(session.exec(stmt))


def submit(session: Session, cipher: FieldCipher, resident: Resident, at: datetime) -> str:
    submission = add_submission(session, cipher, resident, created_by="worker-a")
    submission.created_at = at
    session.add(submission)
    session.flush()
    return submission.id


def ledger(engine: Engine, cipher: FieldCipher, d: ReportDefinition, month: str) -> list[list]:
    with Session(engine) as session:
        result = run_report(
            d,
            session=session,
            cipher=cipher,
            community=COMMUNITY_A.code,
            params={"month": month},
            today=TODAY,
            target_names=NAMES,
        )
    assert result.month == month
    return result.rows


def test_ledger_lists_the_months_work_and_delivery_results(
    demo: Engine, cipher: FieldCipher, definitions: dict[str, ReportDefinition]
):
    with session_scope(demo) as session:
        xiangying, jianguo = residents(session, COMMUNITY_A.code)[:2]
        event(session, COMMUNITY_A.code, "visit", "入户走访", date(2025, 3, 5), xiangying.id)
        event(
            session, COMMUNITY_A.code, "complaint", "楼道堆物投诉", date(2025, 3, 20)
        ).status = "closed"
        event(session, COMMUNITY_A.code, "service", "上个月的服务", date(2025, 2, 28))
        event(session, COMMUNITY_B.code, "activity", "瑞星社区的活动", date(2025, 3, 10))
        # 02:00 UTC is 10:00 in Beijing, the same day.
        sid = submit(session, cipher, jianguo, datetime(2025, 3, 10, 2, 0, tzinfo=UTC))
        # 20:00 UTC on 31 March is already 1 April in Beijing: April's ledger, not March's.
        submit(session, cipher, jianguo, datetime(2025, 3, 31, 20, 0, tzinfo=UTC))
        for target, result in [
            ("civil_affairs", DeliveryResult(status="succeeded", receipt_no="MZ-2025-0001")),
            ("elderly_api", DeliveryResult(status="rejected", message="年龄不符")),
        ]:
            record_delivery_result(
                session=session, submission_id=sid, target=target, summary="-", result=result
            )
    march = ledger(demo, cipher, definitions["monthly-ledger"], "2025-03")
    assert march == [
        [date(2025, 3, 5), "走访", "入户走访", "𠮷*英", "worker-a", "办理中"],
        [
            date(2025, 3, 10),
            "报送",
            "高龄津贴申请（报送民政系统）",
            "王*国",
            "worker-a",
            "已受理，回执号 MZ-2025-0001",
        ],
        [
            date(2025, 3, 10),
            "报送",
            "高龄津贴申请（报送elderly_api）",
            "王*国",
            "worker-a",
            "被退回：年龄不符",
        ],
        [date(2025, 3, 20), "投诉", "楼道堆物投诉", None, "worker-a", "已办结"],
    ]
    april = ledger(demo, cipher, definitions["monthly-ledger"], "2025-04")
    assert [(row[0], row[1], row[5]) for row in april] == [
        (date(2025, 4, 1), "报送", "排队中"),
        (date(2025, 4, 1), "报送", "排队中"),
    ]


def test_ledger_of_this_month_has_the_demo_visits_of_this_community_only(
    demo: Engine, cipher: FieldCipher, definitions: dict[str, ReportDefinition]
):
    rows = ledger(demo, cipher, definitions["monthly-ledger"], TODAY.strftime("%Y-%m"))
    assert [(row[1], row[2], row[3]) for row in rows] == [
        ("走访", "入户走访，了解独居老人生活情况", "𠮷*英"),
        ("服务", "代办医保报销材料", "何*海"),
    ]


@pytest.mark.parametrize("bad", ["2025-13", "2025-3", "march", "２０２５-03"])
def test_a_month_that_is_not_a_month_is_refused_in_chinese(
    demo: Engine, cipher: FieldCipher, definitions: dict[str, ReportDefinition], bad: str
):
    with pytest.raises(InvalidInput) as refused:
        ledger(demo, cipher, definitions["monthly-ledger"], bad)
    assert refused.value.user_message == "月份格式应为 年-月，例如 2026-11"
