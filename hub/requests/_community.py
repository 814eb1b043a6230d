"""A community's part of a request: its workers complete the rows and report them (上报); its
residents answer a questionnaire through the community's link, without an account."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from hub.crypto import FieldCipher
from hub.errors import InvalidInput, NotFound
from hub.forms import FormTemplate
from hub.requests._values import check, cleaned, seal, unseal
from hub.store import DataRequest, DataRequestCommunity, DataRequestRow
from hub.store import audit as audit_log
from hub.store._models import utcnow

#: Where a request's part may be reached: the request, and the community's own line in it.
Part = tuple[DataRequest, DataRequestCommunity]


def community_part(session: Session, request_id: str, community: str) -> Part:
    """The request as the community sees it; NotFound when it was not asked (or no such one)."""
    request = session.get(DataRequest, request_id)
    line = session.exec(
        select(DataRequestCommunity).where(
            DataRequestCommunity.request_id == request_id,
            DataRequestCommunity.community_code == community,
        )
    ).first()
    if request is None or line is None:
        raise NotFound(f"data request {request_id} for {community}")
    return request, line


def community_row(session: Session, part: Part, row_id: int) -> DataRequestRow:
    request, line = part
    row = session.get(DataRequestRow, row_id)
    if row is None or row.request_id != request.id or row.community_code != line.community_code:
        raise NotFound(f"row {row_id} of data request {request.id}")
    return row


def save_row(
    session: Session,
    *,
    cipher: FieldCipher,
    part: Part,
    form: FormTemplate,
    row: DataRequestRow,
    posted: Mapping[str, str],
    by: str,
    today: date,
) -> dict[str, str]:
    """Keep what she typed in the row's editable fields, even when some of it is wrong (nothing
    typed is lost); the errors of what is still missing or wrong, {} when the row is complete."""
    if part[1].submitted_at is not None:
        raise InvalidInput("already reported", user_message="本社区已上报，不能再修改")
    values = unseal(cipher, row.values_enc)
    for field in form.fields:
        if not field.locked:
            values[field.name] = str(posted.get(field.name, ""))
    errors = check(form, values, today)
    row.values_enc = seal(cipher, cleaned(form, values, today) if not errors else values)
    row.complete = not errors
    row.updated_at, row.updated_by = utcnow(), by
    session.add(row)
    session.flush()
    return errors


def report(
    session: Session, *, cipher: FieldCipher, part: Part, by: str, roles: frozenset[str]
) -> None:
    """上报: the community's rows are all complete; from now on they are the sender's to read."""
    request, line = part
    if line.submitted_at is not None:
        return  # a second click, a resent form: already done
    missing = session.exec(
        select(func.count())
        .select_from(DataRequestRow)
        .where(
            DataRequestRow.request_id == request.id,
            DataRequestRow.community_code == line.community_code,
            col(DataRequestRow.complete).is_(False),
        )
    ).one()
    if missing:
        raise InvalidInput(
            f"{missing} rows incomplete", user_message=f"还有 {missing} 行未填写完整，不能上报"
        )
    line.submitted_at, line.submitted_by = utcnow(), by
    session.add(line)
    audit_log.append(
        session,
        cipher=cipher,
        actor=by,
        roles=roles,
        action="data_request_submit",
        community_code=line.community_code,
        subject=f"data_request:{request.id}",
        detail={"form_id": request.form_id},
    )
    session.flush()


def questionnaire_part(session: Session, token: str) -> Part:
    """The request and community a questionnaire link belongs to; NotFound for any other."""
    line = session.exec(
        select(DataRequestCommunity).where(DataRequestCommunity.link_token == token)
    ).first()
    request = session.get(DataRequest, line.request_id) if line else None
    if line is None or request is None or request.kind != "questionnaire":
        raise NotFound("questionnaire link")
    return request, line


def is_open(request: DataRequest, today: date) -> bool:
    return today <= request.deadline


def answer(
    session: Session,
    *,
    cipher: FieldCipher,
    part: Part,
    form: FormTemplate,
    posted: Mapping[str, str],
    client_key: str,
    today: date,
) -> dict[str, str]:
    """Keep a resident's answers once (the same page posted twice is one answer sheet); the
    errors to show her instead when something is missing or wrong."""
    request, line = part
    if not is_open(request, today):
        raise InvalidInput(
            "questionnaire closed", user_message="本问卷已于截止日期结束，感谢您的关注"
        )
    if not 8 <= len(client_key) <= 64:
        raise InvalidInput("client key", user_message="页面已过期，请刷新后重新填写")
    values = {field.name: str(posted.get(field.name, "")) for field in form.fields}
    errors = check(form, values, today)
    if errors:
        return errors
    row = DataRequestRow(
        request_id=request.id,
        community_code=line.community_code,
        values_enc=seal(cipher, cleaned(form, values, today)),
        complete=True,
        client_key=client_key,
    )
    try:
        with session.begin_nested():  # the unique (request, client key) keeps a double click out
            session.add(row)
            session.flush()
    except IntegrityError:
        pass  # already kept: the first post of this page
    return {}
