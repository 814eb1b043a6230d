"""What the portal shows of requests: the sender's list and progress per community, a community's
list and rows, and the merged table the sender downloads (.xlsx)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from hub.crypto import FieldCipher
from hub.errors import NotFound
from hub.forms import FormTemplate
from hub.idcard import mask_name
from hub.reports import ReportResult
from hub.requests._send import community_names
from hub.requests._values import shown, unseal
from hub.store import DataRequest, DataRequestCommunity, DataRequestRow, Region, Resident
from hub.store._residents import NAME_CONTEXT


@dataclass(frozen=True)
class CommunityProgress:
    code: str
    name: str
    rows: int
    complete: int
    submitted_at: datetime | None
    link_token: str | None

    def status(self, request: DataRequest, today: date) -> str:
        if request.kind == "questionnaire":
            return f"已收到 {self.rows} 份"
        if self.submitted_at is not None:
            return "已上报"
        late = "（已逾期）" if today > request.deadline else ""
        return ("填报中" if self.complete else "未开始") + late


@dataclass(frozen=True)
class RowLine:
    """A collection row in the community's list: who (masked), and whether it is complete."""

    id: int
    name_masked: str
    id_number_masked: str
    complete: bool


def sender_request(session: Session, request_id: str, region_code: str) -> DataRequest:
    """A request sent from her region or one under it (a district sees its streets' requests)."""
    request = session.get(DataRequest, request_id)
    if request is None or not region_code or not request.region_code.startswith(region_code):
        raise NotFound(f"data request {request_id}")
    return request


def sent_requests(session: Session, region_code: str) -> list[DataRequest]:
    if not region_code:  # an empty prefix would be every region's
        return []
    stmt = select(DataRequest).where(col(DataRequest.region_code).startswith(region_code))
    return list(session.exec(stmt.order_by(col(DataRequest.sent_at).desc())))


def community_requests(session: Session, community: str) -> list[DataRequest]:
    stmt = (
        select(DataRequest)
        .join(DataRequestCommunity, col(DataRequestCommunity.request_id) == DataRequest.id)
        .where(DataRequestCommunity.community_code == community)
        .order_by(col(DataRequest.deadline), col(DataRequest.sent_at))
    )
    return list(session.exec(stmt))


def progress(session: Session, request: DataRequest) -> list[CommunityProgress]:
    lines = session.exec(
        select(DataRequestCommunity)
        .where(DataRequestCommunity.request_id == request.id)
        .order_by(col(DataRequestCommunity.community_code))
    ).all()
    rows: Counter[str] = Counter()
    complete: Counter[str] = Counter()
    for code, done in session.exec(
        select(DataRequestRow.community_code, DataRequestRow.complete).where(
            DataRequestRow.request_id == request.id
        )
    ):
        rows[code] += 1
        complete[code] += int(done)
    names = community_names(session, [line.community_code for line in lines])
    return [
        CommunityProgress(
            code=line.community_code,
            name=names.get(line.community_code, line.community_code),
            rows=rows[line.community_code],
            complete=complete[line.community_code],
            submitted_at=line.submitted_at,
            link_token=line.link_token,
        )
        for line in lines
    ]


def row_lines(
    session: Session, cipher: FieldCipher, request: DataRequest, community: str
) -> list[RowLine]:
    found = session.exec(
        select(DataRequestRow, Resident)
        .join(Resident, col(Resident.id) == DataRequestRow.resident_id)
        .where(
            DataRequestRow.request_id == request.id,
            DataRequestRow.community_code == community,
        )
        .order_by(col(DataRequestRow.id))
    ).all()
    return [
        RowLine(
            id=row.id or 0,
            name_masked=mask_name(cipher.decrypt(resident.name_enc, context=NAME_CONTEXT)),
            id_number_masked=resident.id_number_masked,
            complete=row.complete,
        )
        for row, resident in found
    ]


def merged_table(
    session: Session,
    *,
    cipher: FieldCipher,
    request: DataRequest,
    form: FormTemplate,
    today: date,
) -> ReportResult:
    """Every community's rows in one table (社区 first; a collection's 上报状态, a questionnaire's
    填写时间), values in words; rows of communities that have not reported are included and say so.
    """
    places = {p.code: p for p in progress(session, request)}
    rows = session.exec(
        select(DataRequestRow)
        .where(DataRequestRow.request_id == request.id)
        .order_by(col(DataRequestRow.community_code), col(DataRequestRow.id))
    ).all()
    second = "上报状态" if request.kind == "collection" else "填写时间"
    table: list[list[str | int | float | date | None]] = []
    for row in rows:
        values = unseal(cipher, row.values_enc)
        place = places[row.community_code]
        if request.kind == "collection":
            state = "已上报" if place.submitted_at else "未上报"
        else:
            state = row.updated_at.strftime("%Y-%m-%d %H:%M")
        cells = [shown(field, values.get(field.name)) or None for field in form.fields]
        table.append([place.name, state, *cells])
    region = session.get(Region, request.region_code)
    return ReportResult(
        report_id=f"request-{request.form_id}",
        title=f"{request.title}（汇总）",
        short_title=request.title,
        community_code=request.region_code,
        community_name=region.name if region else request.region_code,
        generated_on=today,
        month=None,
        headers=["社区", second, *(field.label for field in form.fields)],
        rows=table,
    )
