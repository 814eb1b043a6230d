"""Aggregates per community, for the community itself and for the street and district above it.

Street and district viewers see these numbers, never the people behind them (aggregates by
default): the rows hold counts only.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, col, select

from hub.store._models import Community, Delivery, House, Household, Resident, Submission
from hub.store._models_daily import CommunityEvent


class CommunityFigures(BaseModel):
    code: str
    name: str
    residents: int
    aged_80_plus: int
    households: int
    houses: int
    houses_at_risk: int  # C级 or D级危房
    events_this_month: int
    deliveries: dict[str, int]  # status -> count


def communities_under(*, session: Session, region_prefix: str) -> list[str]:
    stmt = select(Community.code).where(col(Community.code).startswith(region_prefix))
    return list(session.exec(stmt.order_by(col(Community.code))))


def overview(*, session: Session, communities: list[str], today: date) -> list[CommunityFigures]:
    born_by = _years_before(today, 80)
    month_start = today.replace(day=1)
    figures = []
    for code in communities:
        community = session.get(Community, code)
        if community is None:
            continue
        figures.append(
            CommunityFigures(
                code=code,
                name=community.name,
                residents=_count(session, Resident, Resident.community_code == code),
                aged_80_plus=_count(
                    session,
                    Resident,
                    Resident.community_code == code,
                    col(Resident.birth_date) <= born_by,
                ),
                households=_count(session, Household, Household.community_code == code),
                houses=_count(session, House, House.community_code == code),
                houses_at_risk=_count(
                    session,
                    House,
                    House.community_code == code,
                    col(House.safety_status).in_(["C级危房", "D级危房"]),
                ),
                events_this_month=_count(
                    session,
                    CommunityEvent,
                    CommunityEvent.community_code == code,
                    col(CommunityEvent.occurred_on) >= month_start,
                ),
                deliveries=_deliveries(session, code),
            )
        )
    return figures


def _count(session: Session, model: type, *where: object) -> int:
    stmt = select(func.count()).select_from(model).where(*where)  # type: ignore[arg-type]
    return int(session.exec(stmt).one())


def _deliveries(session: Session, community: str) -> dict[str, int]:
    stmt = (
        select(Delivery.status, func.count())
        .join(Submission, col(Submission.id) == col(Delivery.submission_id))
        .where(Submission.community_code == community)
        .group_by(col(Delivery.status))
    )
    return {status: int(n) for status, n in session.exec(stmt)}


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
