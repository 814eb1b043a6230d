"""Importing communities' Excel/CSV ledgers: reading, checking, all-or-nothing apply, re-import."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine, event, func
from sqlmodel import Session, col, select

from hub.clock import beijing_today
from hub.crypto import FieldCipher
from hub.errors import Conflict, InvalidInput
from hub.idcard import check_character
from hub.store import (
    TAGS,
    ChangeRecord,
    House,
    Household,
    Resident,
    add_house_and_household,
    history_of,
    imports,
    resident_facts,
    session_scope,
    tags_of,
)
from tests.factories import (
    COMMUNITY,
    LEDGER_HEADERS,
    OTHER_COMMUNITY,
    add_community,
    add_resident,
    ledger_of,
    valid_id_number,
)

HEADERS = LEDGER_HEADERS
JI = valid_id_number("19420315", "2", seq=1)
WANG = valid_id_number("19450708", "1", seq=2)
LI = valid_id_number("19380122", "2", seq=3)
BAD_CHECK = WANG[:17] + ("0" if WANG[17] != "0" else "1")


@pytest.fixture
def engine(engine_and_cipher: tuple[Engine, FieldCipher]) -> Engine:
    """The store with both communities (tests of reading alone need no store)."""
    engine = engine_and_cipher[0]
    with session_scope(engine) as session:
        add_community(session, COMMUNITY)
        add_community(session, OTHER_COMMUNITY, name="瑞星社区")
    return engine


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ledger(*rows: list[str]) -> imports.Table:
    return imports.read_table(csv_bytes([HEADERS, *rows]), "台账.csv")


def run_check(engine: Engine, cipher: FieldCipher, table: imports.Table) -> imports.ImportCheck:
    with Session(engine) as session:
        mapping = imports.guess_mapping(table.headers)
        return imports.check(table, mapping, session=session, cipher=cipher, community=COMMUNITY)


def run_apply(
    engine: Engine, cipher: FieldCipher, table: imports.Table, *, skip: bool = False, **kw: object
) -> imports.ImportResult:
    with session_scope(engine, actor="worker-yuqi") as session:
        return imports.apply(
            table,
            imports.guess_mapping(table.headers),
            session=session,
            cipher=cipher,
            community=COMMUNITY,
            skip_bad_rows=skip,
            **kw,  # type: ignore[arg-type]
        )


def counts(engine: Engine) -> tuple[int, ...]:
    with Session(engine) as session:
        return tuple(
            session.exec(select(func.count()).select_from(table)).one()
            for table in (Resident, House, Household, ChangeRecord)
        )


def facts_by_id(engine: Engine, cipher: FieldCipher, id_number: str):
    with Session(engine) as session:
        index = cipher.blind_index(id_number, purpose="resident.id_number")
        resident = session.exec(select(Resident).where(Resident.id_number_index == index)).one()
        return resident, resident_facts(session=session, cipher=cipher, resident=resident)


# ---- reading ------------------------------------------------------------------------------


def test_xlsx_keeps_a_name_outside_the_bmp_intact(engine: Engine, cipher: FieldCipher):
    data = xlsx_bytes([["姓名", "公民身份号码", "联系电话"], ["𠮷祥英", JI, 13901000315]])
    table = imports.read_table(data, "居民台账.xlsx")
    assert table.rows == [(2, ("𠮷祥英", JI, "13901000315"))]
    run_apply(engine, cipher, table)
    _, facts = facts_by_id(engine, cipher, JI)
    assert (facts.name, facts.phone) == ("𠮷祥英", "13901000315")


def test_utf8_csv_with_bom_keeps_a_name_outside_the_bmp():
    data = "\ufeff".encode() + csv_bytes([["姓名", "身份证号"], ["谢𪚥芬", LI]])
    assert imports.read_table(data, "a.CSV").rows == [(2, ("谢𪚥芬", LI))]


def test_gbk_csv_is_recognised(engine: Engine, cipher: FieldCipher):
    data = csv_bytes([["姓名", "身份证号码", "地址"], ["王建国", WANG, "玉祁街道1号"]], "gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    table = imports.read_table(data, "台账.csv")
    assert table.headers == ("姓名", "身份证号码", "地址")
    assert table.rows == [(2, ("王建国", WANG, "玉祁街道1号"))]


def test_row_numbers_are_the_ones_excel_shows(engine: Engine, cipher: FieldCipher):
    # A title above the header is not a header: the first non-empty row is.
    data = xlsx_bytes([[], ["姓名", "身份证号"], ["王建国", WANG], [], ["", "110"]])
    table = imports.read_table(data, "a.xlsx")
    assert [n for n, _ in table.rows] == [3, 5]
    errors = run_check(engine, cipher, table).errors
    assert [e.row for e in errors] == [5]


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "a.csv", "文件是空的"),
        (b" \r\n\r\n", "a.csv", "文件是空的"),
        ("姓名,身份证号\r\n,\r\n".encode(), "a.csv", "只有表头"),
        (b"PK\x03\x04 not really", "a.xlsx", "无法读取这个 Excel 文件"),
        (b"\xd0\xcf\x11\xe0", "a.xls", "另存为"),
        (b"hello", "a.txt", "只能导入"),
    ],
)
def test_unreadable_files_are_refused_in_chinese(data: bytes, filename: str, message: str):
    with pytest.raises(InvalidInput) as caught:
        imports.read_table(data, filename)
    assert message in caught.value.user_message


def test_header_synonyms_are_recognised_and_can_be_overridden():
    headers = ["序号", "*姓名", "身份证号码(18位)", "电话", "幢", "单元", "房间号", "住址", "关系"]
    assert imports.guess_mapping(headers) == {
        "name": "*姓名",
        "id_number": "身份证号码(18位)",
        "phone": "电话",
        "building": "幢",
        "unit": "单元",
        "room": "房间号",
        "address": "住址",
        "relation_to_head": "关系",
    }


def test_a_file_without_an_id_column_is_refused_clearly(engine: Engine, cipher: FieldCipher):
    table = imports.read_table(csv_bytes([["姓名", "电话"], ["王建国", "13900000001"]]), "a.csv")
    with pytest.raises(InvalidInput) as caught:
        run_check(engine, cipher, table)
    assert "没有找到“公民身份号码”列" in caught.value.user_message
    assert set(caught.value.field_errors) == {"id_number"}


def test_a_mapping_to_a_missing_column_is_refused(engine: Engine, cipher: FieldCipher):
    table = ledger(["王建国", WANG, "", "", "", "", "", ""])
    with Session(engine) as session, pytest.raises(InvalidInput) as caught:
        imports.check(
            table,
            {"name": "姓名", "id_number": "证件号"},
            session=session,
            cipher=cipher,
            community=COMMUNITY,
        )
    assert caught.value.field_errors == {"id_number": "表中没有“证件号”列"}


def test_preview_masks_id_numbers():
    table = ledger(["王建国", WANG, "13900000001", "1幢", "1单元", "101室", "户主", ""])
    shown = imports.preview(table, imports.guess_mapping(table.headers))
    assert shown.total_rows == 1
    assert shown.rows[0].values["id_number"] == WANG[:4] + "*" * 10 + WANG[-4:]
    assert WANG not in str(shown.model_dump())


# ---- checking and all-or-nothing ----------------------------------------------------------


def test_every_bad_row_is_reported_and_nothing_is_written(engine: Engine, cipher: FieldCipher):
    with session_scope(engine) as session:
        add_resident(session, cipher, community=OTHER_COMMUNITY, name="唐素琴", id_number=LI)
    bad_birth = "32020619451308" + "0011"
    bad_birth = bad_birth[:17] + check_character(bad_birth[:17])
    table = ledger(
        ["𠮷祥英", JI, "13901000315", "1幢", "1单元", "101室", "户主", "高龄"],  # row 2: good
        ["王建国", BAD_CHECK, "", "", "", "", "", ""],
        ["张三", bad_birth, "", "", "", "", "", ""],
        ["李四", valid_id_number("19500101", "1", 5), "1390000", "", "", "", "", ""],
        ["", valid_id_number("19500101", "1", 6), "", "", "", "", "", ""],
        ["王五", valid_id_number("19500101", "1", 7), "", "", "", "", "", "外星人"],
        ["𠮷祥英", JI, "", "", "", "", "", ""],  # row 8: the same ID as row 2
        ["唐素琴", LI, "", "", "", "", "", ""],  # row 9: registered in the other community
        ["长" * 51, valid_id_number("19500101", "1", 9), "", "", "", "", "", ""],
    )
    report = run_check(engine, cipher, table)
    assert (report.total_rows, report.to_create, report.to_update, report.unchanged) == (9, 1, 0, 0)
    assert {e.row: e.reasons for e in report.errors} == {
        3: ["公民身份号码校验位错误"],
        4: ["公民身份号码中的出生日期无效"],
        5: ["联系电话有误：手机号码应为以1开头的11位数字"],
        6: ["姓名为空"],
        7: [f"未知标签：外星人（可用：{'、'.join(TAGS)}）"],
        8: ["公民身份号码与第2行重复"],
        9: ["该公民身份号码已在其他社区登记，请与街道核实"],
        10: ["姓名不能超过50个字，与户主关系不能超过20个字"],
    }
    assert "瑞星" not in str(report.model_dump()) and OTHER_COMMUNITY not in str(
        report.model_dump()
    )

    before = counts(engine)
    with pytest.raises(imports.ImportRejected) as caught:
        run_apply(engine, cipher, table)
    assert counts(engine) == before
    assert [e.row for e in caught.value.rows] == [3, 4, 5, 6, 7, 8, 9, 10]
    assert caught.value.status_code == 422
    assert caught.value.field_errors["第8行"] == "公民身份号码与第2行重复"


def test_a_future_birth_date_is_a_bad_row(engine: Engine, cipher: FieldCipher):
    tomorrow = (beijing_today() + timedelta(days=1)).strftime("%Y%m%d")
    table = ledger(["新生儿", valid_id_number(tomorrow, "1"), "", "", "", "", "", ""])
    assert run_check(engine, cipher, table).errors[0].reasons == [
        "公民身份号码中的出生日期晚于今天"
    ]


def test_an_id_number_excel_turned_into_a_number_gets_a_hint(engine: Engine, cipher: FieldCipher):
    table = imports.read_table(
        xlsx_bytes([["姓名", "身份证号"], ["王建国", float(WANG)]]), "a.xlsx"
    )
    [error] = run_check(engine, cipher, table).errors
    assert "被 Excel 存成了数字" in error.reasons[0]


def test_an_empty_ledger_changes_nothing(engine: Engine, cipher: FieldCipher):
    before = counts(engine)
    with pytest.raises(InvalidInput):
        run_apply(engine, cipher, imports.read_table(csv_bytes([HEADERS]), "a.csv"))
    assert counts(engine) == before


def test_skipping_bad_rows_imports_the_good_ones(engine: Engine, cipher: FieldCipher):
    table = ledger(
        ["𠮷祥英", JI, "13901000315", "1幢", "1单元", "101室", "户主", ""],
        ["王建国", BAD_CHECK, "", "", "", "", "", ""],
        ["李秀兰", LI, "", "", "", "", "", ""],
    )
    result = run_apply(engine, cipher, table, skip=True)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert [e.row for e in result.skipped] == [3]
    assert facts_by_id(engine, cipher, LI)[1].name == "李秀兰"


# ---- applying -----------------------------------------------------------------------------


def test_imported_resident_reads_back_like_one_created_by_hand(engine: Engine, cipher: FieldCipher):
    run_apply(engine, cipher, ledger(["王建国", WANG.lower(), "139 0000 0001", "", "", "", "", ""]))
    resident, facts = facts_by_id(engine, cipher, WANG)
    assert (facts.name, facts.id_number, facts.phone) == ("王建国", WANG, "13900000001")
    assert (facts.sex, facts.birth_date) == ("1", date(1945, 7, 8))
    assert resident.id_number_masked == WANG[:4] + "*" * 10 + WANG[-4:]
    assert (resident.community_code, resident.household_id) == (COMMUNITY, None)


def test_reimporting_the_same_file_creates_and_changes_nothing(engine: Engine, cipher: FieldCipher):
    table = ledger(
        ["𠮷祥英", JI, "13901000315", "1幢", "1单元", "101室", "户主", "高龄、独居"],
        ["王建国", WANG, "13900000001", "1幢", "1单元", "101室", "配偶", "党员,高龄"],
    )
    first = run_apply(engine, cipher, table)
    assert (first.created, first.households_created) == (2, 1)
    before = counts(engine)
    again = run_apply(engine, cipher, table)
    assert (again.created, again.updated, again.unchanged, again.households_created) == (
        0,
        0,
        2,
        0,
    )
    assert counts(engine) == before
    assert run_check(engine, cipher, table).unchanged == 2


def test_changed_name_phone_and_tags_update_her_with_the_actor_in_history(
    engine: Engine, cipher: FieldCipher
):
    run_apply(engine, cipher, ledger(["吉祥英", JI, "13901000315", "", "", "", "", "高龄、独居"]))
    table = ledger(["𠮷祥英", JI, "13901000316", "", "", "", "", "高龄、党员"])
    assert run_check(engine, cipher, table).to_update == 1
    result = run_apply(engine, cipher, table)
    assert (result.created, result.updated) == (0, 1)
    resident, facts = facts_by_id(engine, cipher, JI)
    assert (facts.name, facts.phone) == ("𠮷祥英", "13901000316")
    with Session(engine) as session:
        assert tags_of(session=session, resident=resident) == ["高龄", "党员"]
        history = history_of(session=session, resident=resident)
    changes = [(h.entity, h.action, h.actor) for h in history]
    assert ("resident", "update", "worker-yuqi") in changes
    assert ("residenttag", "delete", "worker-yuqi") in changes
    updated = next(h for h in history if h.action == "update")
    assert set(updated.changes) >= {"name_enc", "name_index", "phone_enc"}


def test_an_empty_phone_cell_keeps_the_phone_on_record(engine: Engine, cipher: FieldCipher):
    run_apply(engine, cipher, ledger(["王建国", WANG, "13900000001", "", "", "", "", ""]))
    result = run_apply(engine, cipher, ledger(["王建国", WANG, "", "", "", "", "", ""]))
    assert result.unchanged == 1
    assert facts_by_id(engine, cipher, WANG)[1].phone == "13900000001"


def test_people_in_one_room_share_one_house_and_household_headed_by_the_householder(
    engine: Engine, cipher: FieldCipher
):
    son = valid_id_number("19700101", "1", 8)
    table = ledger(
        ["王建国", WANG, "", "2幢", "1单元", "301室", "", ""],
        ["𠮷祥英", JI, "", "2幢", "1单元", "301室", "户主", ""],
        ["王小明", son, "", "2幢", "1单元", "301室", "子", ""],
        ["李秀兰", LI, "", "2幢", "1单元", "302室", "", ""],
    )
    result = run_apply(engine, cipher, table)
    assert result.households_created == 2
    people = {i: facts_by_id(engine, cipher, i)[0] for i in (WANG, JI, son, LI)}
    assert len({people[i].household_id for i in (WANG, JI, son)}) == 1
    assert people[LI].household_id != people[JI].household_id
    relations = {i: r.relation_to_head for i, r in people.items()}
    assert relations == {WANG: "其他", JI: "户主", son: "子", LI: "户主"}
    assert facts_by_id(engine, cipher, LI)[1].address == "2幢1单元302室"


def test_new_people_join_the_house_the_community_already_has(engine: Engine, cipher: FieldCipher):
    with session_scope(engine) as session:
        household = add_house_and_household(
            session=session,
            community=COMMUNITY,
            building="1幢",
            unit="1单元",
            room="101室",
            address="玉祁社区1幢1单元101室",
        )
        head = add_resident(session, cipher, id_number=WANG)
        head.household_id = household.id
    table = ledger(
        ["𠮷祥英", JI, "", "1幢", "1单元", "101室", "配偶", ""],
        ["李秀兰", LI, "", "1幢", "1单元", "101室", "户主", ""],
    )
    report = run_check(engine, cipher, table)
    assert [(e.row, e.reasons) for e in report.errors] == [
        (3, ["该户已有户主，请填写此人与户主的关系"])
    ]
    result = run_apply(engine, cipher, table, skip=True)
    assert (result.created, result.households_created) == (1, 0)
    assert facts_by_id(engine, cipher, JI)[0].household_id == household.id


def test_two_householders_in_one_new_household_are_a_bad_row(engine: Engine, cipher: FieldCipher):
    table = ledger(
        ["王建国", WANG, "", "3幢", "", "101", "户主", ""],
        ["𠮷祥英", JI, "", "3幢", "", "101", "户主", ""],
    )
    [error] = run_check(engine, cipher, table).errors
    assert (error.row, error.reasons) == (3, ["同一户只能有一位户主（第2行已是户主）"])


def test_another_import_storing_the_same_new_resident_meanwhile_is_a_conflict_not_a_crash(
    engine: Engine, cipher: FieldCipher
):
    # Both imports planned WANG as new; the other stores her just before this one writes.
    table = ledger(
        ["𠮷祥英", JI, "", "5幢", "1单元", "101室", "户主", ""],
        ["王建国", WANG, "", "5幢", "1单元", "101室", "配偶", ""],
    )
    residents, houses, households, _ = counts(engine)

    def the_other_import_commits_first(*_: object) -> None:
        with session_scope(engine, actor="worker-other") as other:
            add_resident(other, cipher, name="王建国", id_number=WANG)

    with pytest.raises(Conflict) as caught, session_scope(engine, actor="worker-yuqi") as session:
        event.listen(session, "before_flush", the_other_import_commits_first, once=True)
        imports.apply(
            table,
            imports.guess_mapping(table.headers),
            session=session,
            cipher=cipher,
            community=COMMUNITY,
            skip_bad_rows=False,
        )
    assert (caught.value.status_code, caught.value.retryable) == (409, True)
    assert caught.value.user_message == "同一批居民正在被其他人导入，请稍后重试"
    assert counts(engine)[:3] == (residents + 1, houses, households)  # hers only, none of ours
    assert facts_by_id(engine, cipher, WANG)[0].household_id is None
    assert run_apply(engine, cipher, table).created == 1  # trying again sees hers


def test_a_ledger_of_100k_rows_is_checked(engine: Engine, cipher: FieldCipher):
    table = imports.read_table(ledger_of(100_000), "大台账.csv")
    report = run_check(engine, cipher, table)
    assert (report.total_rows, report.to_create, report.errors) == (100_000, 100_000, [])


def test_a_ledger_of_20k_rows_is_imported_with_progress_and_reimported_as_unchanged(
    engine: Engine, cipher: FieldCipher
):
    # 100k rows take ~40 s to write on SQLite (one ORM object and one history row per record),
    # so the write path is exercised at 20k; the 100k read and check run above.
    table = imports.read_table(ledger_of(20_000), "台账.csv")
    seen: list[tuple[int, int]] = []
    result = run_apply(
        engine, cipher, table, progress=lambda done, total: seen.append((done, total))
    )
    assert (result.created, result.households_created) == (20_000, 6_667)
    assert seen[0] == (500, 20_000) and seen[-1] == (20_000, 20_000) and len(seen) == 40
    with Session(engine) as session:
        heads = session.exec(
            select(func.count()).where(col(Resident.relation_to_head) == "户主")
        ).one()
    assert heads == 6_667
    assert run_check(engine, cipher, table).unchanged == 20_000


def test_the_example_in_the_docs_imports_cleanly(engine: Engine, cipher: FieldCipher):
    text = (Path(__file__).parents[3] / "docs" / "import.md").read_text()
    example = text.split("```csv\n")[1].split("```")[0]
    table = imports.read_table(example.encode(), "例.csv")
    result = run_apply(engine, cipher, table)
    assert (result.created, result.households_created, result.skipped) == (3, 2, [])
