"""A collection sent by the street to two communities: rows made from each store, completed by
each community's workers, reported, merged."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from hub.crypto import FieldCipher
from hub.errors import InvalidInput, NotFound
from hub.forms import FORMS, FormTemplate
from hub.idcard import age_on
from hub.reports import to_xlsx
from hub.requests import (
    Sender,
    community_part,
    community_row,
    merged_table,
    progress,
    report,
    row_lines,
    save_row,
    send_request,
    sender_request,
    unseal,
)
from hub.store import DataRequest, DataRequestRow, Resident, resident_facts
from hub.store._models_audit import AuditEntry
from tests.hub.requests.conftest import DEADLINE, RUIXING, STREET_USER, TODAY, YUQI
from tests.hub.store.conftest import RawStore

COMPLETION = {
    "address": "玉祁社区锦绣苑3幢2单元101室",
    "phone": "13812345678",
    "living_status": "alive",
    "living_arrangement": "alone",
    "health": "fair",
}
WORKER_A = ("worker-a", frozenset({"worker"}))


def send(session: Session, cipher: FieldCipher, form: FormTemplate, *codes: str) -> DataRequest:
    return send_request(
        session,
        cipher=cipher,
        sender=STREET_USER,
        form=form,
        communities=list(codes),
        deadline=DEADLINE,
        note="请于下周五前上报",
        today=TODAY,
    )


def aged_80(session: Session, community: str) -> list[Resident]:
    residents = session.exec(
        select(Resident).where(Resident.community_code == community).order_by(col(Resident.id))
    )
    return [r for r in residents if age_on(r.birth_date, TODAY) >= 80]


def rows_of(session: Session, request: DataRequest, community: str) -> list[DataRequestRow]:
    return list(
        session.exec(
            select(DataRequestRow)
            .where(
                DataRequestRow.request_id == request.id,
                DataRequestRow.community_code == community,
            )
            .order_by(col(DataRequestRow.id))
        )
    )


def complete_all(
    session: Session, cipher: FieldCipher, form: FormTemplate, request: DataRequest, code: str
) -> None:
    part = community_part(session, request.id, code)
    for row in rows_of(session, request, code):
        assert save_row(
            session, cipher=cipher, part=part, form=form, row=row, posted=COMPLETION,
            by="worker-a", today=TODAY,
        ) == {}  # fmt: skip


def test_each_community_gets_a_row_per_resident_aged_80_filled_from_its_store(
    demo: Engine, cipher: FieldCipher, collection: FormTemplate
) -> None:
    with Session(demo) as session:
        request = send(session, cipher, collection, YUQI, RUIXING)
        session.commit()

        for code in (YUQI, RUIXING):
            expected = aged_80(session, code)
            rows = rows_of(session, request, code)
            assert expected and [r.resident_id for r in rows] == [r.id for r in expected]
            first = resident_facts(session=session, cipher=cipher, resident=expected[0])
            values = unseal(cipher, rows[0].values_enc)
            assert (values["name"], values["id_number"]) == (first.name, first.id_number)
            assert values["phone"] == (first.phone or "")
            assert values["address"] == (first.address or "")
            # The store cannot know how she lives: nothing is complete before the community says.
            assert values.get("living_status") is None and not rows[0].complete


def test_a_row_keeps_what_she_typed_even_when_wrong_and_completes_when_nothing_is_missing(
    demo: Engine, cipher: FieldCipher, collection: FormTemplate
) -> None:
    with Session(demo) as session:
        request = send(session, cipher, collection, YUQI)
        part = community_part(session, request.id, YUQI)
        row = rows_of(session, request, YUQI)[0]
        before = unseal(cipher, row.values_enc)

        errors = save_row(
            session, cipher=cipher, part=part, form=collection, row=row,
            posted={
                "living_status": "alive", "phone": "1381234", "name": "冒名",
                "address": "锦绣苑3幢",
            },
            by="worker-a", today=TODAY,
        )  # fmt: skip

        assert errors == {
            "phone": "手机号码应为以1开头的11位数字",
            "living_arrangement": "请选择居住情况",
            "health": "请选择健康状况",
        }
        kept = unseal(cipher, row.values_enc)
        assert (kept["phone"], kept["living_status"], row.complete) == ("1381234", "alive", False)
        assert kept["name"] == before["name"]  # locked: the store's, whatever is posted

        assert save_row(
            session, cipher=cipher, part=part, form=collection, row=row,
            posted=COMPLETION | {"phone": " 13812345678 "}, by="worker-a", today=TODAY,
        ) == {}  # fmt: skip
        done = unseal(cipher, row.values_enc)
        assert (row.complete, done["phone"], done["health"]) == (True, "13812345678", "fair")


def test_a_resident_who_died_needs_no_living_details(
    demo: Engine, cipher: FieldCipher, collection: FormTemplate
) -> None:
    with Session(demo) as session:
        request = send(session, cipher, collection, YUQI)
        part = community_part(session, request.id, YUQI)
        row = rows_of(session, request, YUQI)[0]

        posted = {
            "address": "玉祁社区锦绣苑3幢",
            "phone": "13812345678",
            "living_status": "deceased",
        }
        errors = save_row(
            session, cipher=cipher, part=part, form=collection, row=row,
            posted=posted | {"health": "good"}, by="worker-a", today=TODAY,
        )  # fmt: skip

        assert errors == {} and row.complete
        assert "health" not in unseal(cipher, row.values_enc)  # hidden: neither asked nor kept


def test_reporting_needs_every_row_complete_then_freezes_the_rows(
    demo: Engine, cipher: FieldCipher, collection: FormTemplate
) -> None:
    with Session(demo) as session:
        request = send(session, cipher, collection, YUQI)
        part = community_part(session, request.id, YUQI)
        total = len(rows_of(session, request, YUQI))

        with pytest.raises(InvalidInput) as refused:
            report(session, cipher=cipher, part=part, by="worker-a", roles=WORKER_A[1])
        assert refused.value.user_message == f"还有 {total} 行未填写完整，不能上报"

        complete_all(session, cipher, collection, request, YUQI)
        report(session, cipher=cipher, part=part, by="worker-a", roles=WORKER_A[1])
        report(session, cipher=cipher, part=part, by="worker-a", roles=WORKER_A[1])  # again
        session.commit()

        [line] = progress(session, request)
        assert (line.rows, line.complete, line.status(request, TODAY)) == (total, total, "已上报")
        with pytest.raises(InvalidInput, match="already reported"):
            save_row(
                session, cipher=cipher, part=part, form=collection,
                row=rows_of(session, request, YUQI)[0], posted=COMPLETION, by="worker-a",
                today=TODAY,
            )  # fmt: skip
        reports = session.exec(
            select(AuditEntry).where(AuditEntry.action == "data_request_submit")
        ).all()
        assert [(e.actor, e.community_code) for e in reports] == [("worker-a", YUQI)]


def test_progress_says_where_each_community_stands(
    demo: Engine, cipher: FieldCipher, collection: FormTemplate
) -> None:
    with Session(demo) as session:
        request = send(session, cipher, collection, YUQI, RUIXING)
        part = community_part(session, request.id, RUIXING)
        first = rows_of(session, request, RUIXING)[0]
        save_row(
            session, cipher=cipher, part=part, form=collection, row=first, posted=COMPLETION,
            by="worker-b", today=TODAY,
        )  # fmt: skip

        yuqi, ruixing = progress(session, request)

        assert (yuqi.name, yuqi.complete, yuqi.status(request, TODAY)) == ("玉祁社区", 0, "未开始")
        assert (ruixing.name, ruixing.complete) == ("瑞星社区", 1)
        assert ruixing.status(request, TODAY) == "填报中"
        late = TODAY + timedelta(days=8)
        assert ruixing.status(request, late) == "填报中（已逾期）"


def test_the_sending_is_refused_outside_her_region_in_the_past_or_for_an_application(
    demo: Engine, cipher: FieldCipher, collection: FormTemplate
) -> None:
    elsewhere = Sender(
        username="x", name="x", roles=frozenset({"requester"}), region_code="320211001"
    )
    with Session(demo) as session:
        cases = [
            ({"sender": elsewhere, "communities": [YUQI]}, "只能向本辖区的社区下发"),
            ({"communities": []}, "请至少选择一个社区"),
            ({"deadline": TODAY - timedelta(days=1)}, "截止日期不能早于今天"),
            ({"form": FORMS["elderly-allowance"]}, "只能下发数据收集表或问卷"),
        ]
        for change, message in cases:
            arguments = {
                "sender": STREET_USER, "form": collection, "communities": [YUQI],
                "deadline": DEADLINE, "note": "", "today": TODAY,
            } | change  # fmt: skip
            with pytest.raises(InvalidInput) as refused:
                send_request(session, cipher=cipher, **arguments)  # type: ignore[arg-type]
            assert refused.value.user_message == message
        assert session.exec(select(DataRequest)).all() == []


def test_each_side_reaches_only_its_own_part(
    demo: Engine, cipher: FieldCipher, collection: FormTemplate
) -> None:
    with Session(demo) as session:
        request = send(session, cipher, collection, YUQI)
        other_street_row = rows_of(session, request, YUQI)[0]

        with pytest.raises(NotFound):
            community_part(session, request.id, RUIXING)  # not asked
        ruixing_request = send(session, cipher, collection, RUIXING)
        with pytest.raises(NotFound):
            community_row(
                session, community_part(session, ruixing_request.id, RUIXING),
                other_street_row.id or 0,
            )  # fmt: skip
        assert sender_request(session, request.id, "320206").id == request.id  # the district
        with pytest.raises(NotFound):
            sender_request(session, request.id, "320206105")  # a neighbouring street


def test_the_merged_table_has_both_communities_rows_in_words(
    demo: Engine, cipher: FieldCipher, collection: FormTemplate
) -> None:
    with Session(demo) as session:
        request = send(session, cipher, collection, YUQI, RUIXING)
        for code in (YUQI, RUIXING):
            complete_all(session, cipher, collection, request, code)
        report(
            session, cipher=cipher, part=community_part(session, request.id, YUQI),
            by="worker-a", roles=WORKER_A[1],
        )  # fmt: skip
        expected = {code: len(aged_80(session, code)) for code in (YUQI, RUIXING)}
        first = resident_facts(session=session, cipher=cipher, resident=aged_80(session, YUQI)[0])

        table = merged_table(session, cipher=cipher, request=request, form=collection, today=TODAY)

    assert table.headers[:5] == ["社区", "上报状态", "姓名", "公民身份号码", "出生日期"]
    by_place = [(row[0], row[1]) for row in table.rows]
    assert (
        by_place
        == [("玉祁社区", "已上报")] * expected[YUQI] + [("瑞星社区", "未上报")] * expected[RUIXING]
    )
    living = table.headers.index("居住情况")
    assert table.rows[0][2:4] == [first.name, first.id_number]
    assert table.rows[0][living] == "独居"  # the option's name, not its code
    sheet = load_workbook(io.BytesIO(to_xlsx(table))).active
    assert sheet is not None
    assert sheet.cell(row=3, column=3).value == first.name
    assert sheet.max_row == 2 + sum(expected.values())


def test_the_community_list_masks_who_each_row_is(
    demo: Engine, cipher: FieldCipher, collection: FormTemplate
) -> None:
    with Session(demo) as session:
        request = send(session, cipher, collection, YUQI)
        lines = row_lines(session, cipher, request, YUQI)
        first = resident_facts(session=session, cipher=cipher, resident=aged_80(session, YUQI)[0])

    assert lines[0].name_masked != first.name and lines[0].name_masked[0] == first.name[0]
    assert first.id_number not in lines[0].id_number_masked
    assert "*" in lines[0].id_number_masked


def test_rows_are_encrypted_at_rest(
    demo: Engine, cipher: FieldCipher, collection: FormTemplate, raw_store: RawStore
) -> None:
    with Session(demo) as session:
        request = send(session, cipher, collection, YUQI)
        part = community_part(session, request.id, YUQI)
        row = rows_of(session, request, YUQI)[0]
        typed = "锦绣苑九幢独门小院"
        save_row(
            session, cipher=cipher, part=part, form=collection, row=row,
            posted=COMPLETION | {"address": typed, "emergency_phone": "13955501234"},
            by="worker-a", today=TODAY,
        )  # fmt: skip
        session.commit()

    raw = raw_store.bytes()
    for secret in (typed, "13955501234"):
        assert secret.encode() not in raw
    assert not any("锦绣苑九幢" in str(v) for v in raw_store.values())
