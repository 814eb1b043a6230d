"""Sending a data request: a collection table or a questionnaire, to communities under the
sender's region, with a deadline. A collection's rows are made now, from each community's store."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from hub.crypto import FieldCipher
from hub.errors import InvalidInput
from hub.forms import FormTemplate, locked_values, prefill_values
from hub.reports import Filter, select_residents
from hub.requests._values import is_complete, seal
from hub.store import (
    Community,
    DataRequest,
    DataRequestCommunity,
    DataRequestRow,
    communities_under,
    house_of,
    resident_facts,
)
from hub.store import audit as audit_log

#: The kinds of form a request sends, in the words the portal shows.
REQUEST_KINDS = {"collection": "数据收集", "questionnaire": "问卷"}


@dataclass(frozen=True)
class Sender:
    """Who sends: a street or district user (role requester) and the region she speaks for."""

    username: str
    name: str
    roles: frozenset[str]
    region_code: str


def send_request(
    session: Session,
    *,
    cipher: FieldCipher,
    sender: Sender,
    form: FormTemplate,
    communities: list[str],
    deadline: date,
    note: str,
    today: date,
) -> DataRequest:
    """The request, its communities and (a collection) their rows, in the session's transaction.

    InvalidInput in Chinese: no community chosen, one outside her region, a deadline past, a
    form that is no collection or questionnaire.
    """
    if form.kind not in REQUEST_KINDS:
        raise InvalidInput(
            f"form {form.id} is a {form.kind}", user_message="只能下发数据收集表或问卷"
        )
    if not sender.region_code:  # an empty prefix would be every community
        raise InvalidInput("no region", user_message="您的账号未关联街道或区")
    chosen = sorted(set(communities))
    if not chosen:
        raise InvalidInput("no community", user_message="请至少选择一个社区")
    allowed = set(communities_under(session=session, region_prefix=sender.region_code))
    if set(chosen) - allowed:
        raise InvalidInput("community outside region", user_message="只能向本辖区的社区下发")
    if deadline < today:
        raise InvalidInput("deadline past", user_message="截止日期不能早于今天")
    request = DataRequest(
        id=secrets.token_hex(16),
        kind=form.kind,
        form_id=form.id,
        form_version=form.version,
        title=form.title,
        note=note.strip()[:500],
        deadline=deadline,
        region_code=sender.region_code,
        sent_by=sender.username,
        sent_by_name=sender.name,
    )
    session.add(request)
    session.flush()
    rows = 0
    for code in chosen:
        link = secrets.token_hex(16) if form.kind == "questionnaire" else None
        session.add(
            DataRequestCommunity(request_id=request.id, community_code=code, link_token=link)
        )
        if form.kind == "collection":
            rows += _add_rows(session, cipher, request, form, code, today)
    audit_log.append(
        session,
        cipher=cipher,
        actor=sender.username,
        roles=sender.roles,
        action="data_request_send",
        community_code=None,
        subject=f"data_request:{request.id}",
        detail={
            "form_id": form.id,
            "version": form.version,
            "communities": len(chosen),
            "rows": rows,
        },
    )
    session.flush()
    return request


def _add_rows(
    session: Session,
    cipher: FieldCipher,
    request: DataRequest,
    form: FormTemplate,
    community: str,
    today: date,
) -> int:
    """One row per resident the form's rows select, filled with what the store knows."""
    assert form.rows is not None  # a collection always has rows (the loader says so)
    filters = [Filter.model_validate(raw) for raw in form.rows.filters]
    residents = select_residents(
        filters, session=session, cipher=cipher, community=community, today=today
    )
    for resident in residents:
        facts = resident_facts(session=session, cipher=cipher, resident=resident)
        house = house_of(session=session, resident=resident)
        values = {
            **prefill_values(form, facts=facts, today=today, house=house),
            **locked_values(form, facts=facts, today=today, house=house),
        }
        session.add(
            DataRequestRow(
                request_id=request.id,
                community_code=community,
                resident_id=resident.id,
                values_enc=seal(cipher, values),
                complete=is_complete(form, values, today),
            )
        )
    return len(residents)


def community_names(session: Session, codes: list[str]) -> dict[str, str]:
    rows = session.exec(select(Community).where(col(Community.code).in_(codes))).all()
    return {row.code: row.name for row in rows}
