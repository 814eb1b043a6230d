import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlmodel import Session, SQLModel

from hub.auth import close_session, load_session, open_session
from hub.crypto import FieldCipher
from hub.forms import FORMS
from hub.requests import answer, unseal
from hub.store import (
    DataRequest,
    DataRequestCommunity,
    DataRequestRow,
    HumanTask,
    Resident,
    Submission,
    _rotate,
    answer_human_task,
    human_task_answer,
    load_evidence,
    make_engine,
    open_human_task,
    resident_facts,
    save_evidence,
    session_scope,
    submission_data,
)
from hub.store._human import IMAGE_CONTEXT
from hub.store._rotate import ENCRYPTED_COLUMNS, EncryptedColumn, rotate_keys
from identity import Principal
from tests.factories import COMMUNITY, add_resident, add_submission, fake_key, store_url

REPO_ROOT = Path(__file__).resolve().parents[3]
K1, K2, INDEX = fake_key(1), fake_key(2), fake_key(9)
OLD = FieldCipher(keys={"k1": K1}, current_key="k1", blind_index_key=INDEX)
ROTATING = FieldCipher(keys={"k1": K1, "k2": K2}, current_key="k2", blind_index_key=INDEX)
NEW_ONLY = FieldCipher(keys={"k2": K2}, current_key="k2", blind_index_key=INDEX)
RECEIPT = b"%PDF-1.7 receipt \xf0\xa0\xae\xb7"
IDLE = timedelta(minutes=30)
PRINCIPAL = Principal(
    subject="s-1",
    username="worker-yuqi",
    name="李社工",
    roles=frozenset({"worker"}),
    community_code=COMMUNITY,
)


CAPTCHA = b"\x89PNG captcha"
SURVEY = {"age_band": "80+", "lives_with": "alone", "most_needed": "meals", "satisfaction": "4",
          "suggestions": "多来走访", "phone": "13912345678"}  # fmt: skip


@dataclass
class Seeded:
    resident_ids: list[int]
    submission_id: str
    evidence_id: str
    cookie: str
    task_id: str


def seed(engine: Engine, cipher: FieldCipher) -> Seeded:
    """One value in every encrypted column, written by the real store functions."""
    with session_scope(engine) as session:
        with_phone = add_resident(session, cipher, name="𠮷祥英", birth="19420315", sex="2")
        without_phone = add_resident(session, cipher, name="王建国", seq=2, phone=None)
        submission = add_submission(session, cipher, with_phone)
        evidence_id = save_evidence(
            session=session,
            cipher=cipher,
            submission_id=submission.id,
            target="civil_affairs",
            content=RECEIPT,
            content_type="application/pdf",
        )
        cookie = open_session(
            session=session,
            cipher=cipher,
            principal=PRINCIPAL,
            tokens={"access_token": "at", "refresh_token": "rt", "id_token": "it"},
            idle=IDLE,
        )
        task_id = open_human_task(
            session=session,
            cipher=cipher,
            submission_id=submission.id,
            target="veterans",
            kind="captcha",
            prompt="请输入图中的验证码",
            image=CAPTCHA,
            image_type="image/png",
            wait_s=600,
        )
        answer_human_task(session=session, cipher=cipher, task_id=task_id, answer="7kq2", by="w")
        survey = FORMS["survey-home-care"]
        request = DataRequest(
            id="d" * 32, kind="questionnaire", form_id=survey.id, form_version=survey.version,
            title=survey.title, deadline=date.today(), region_code="320206104", sent_by="s",
            sent_by_name="周涛",
        )  # fmt: skip
        line = DataRequestCommunity(
            request_id=request.id, community_code=COMMUNITY, link_token="e" * 32
        )
        session.add_all([request, line])
        session.flush()
        answer(
            session, cipher=cipher, part=(request, line), form=survey, posted=SURVEY,
            client_key="rotate-key-1", today=date.today(),
        )  # fmt: skip
    assert with_phone.id is not None and without_phone.id is not None
    return Seeded([with_phone.id, without_phone.id], submission.id, evidence_id, cookie, task_id)


def read_everything(engine: Engine, cipher: FieldCipher, seeded: Seeded) -> dict[str, Any]:
    """Every encrypted value, in clear, through the functions the hub reads with."""
    # Never committed: load_session may touch the row and close_session deletes it.
    with Session(engine) as session:
        residents = [session.get(Resident, rid) for rid in seeded.resident_ids]
        facts = [resident_facts(session=session, cipher=cipher, resident=r) for r in residents if r]
        submission = session.get(Submission, seeded.submission_id)
        assert submission is not None
        loaded = load_session(session=session, cipher=cipher, cookie=seeded.cookie, idle=IDLE)
        assert loaded is not None
        return {
            "residents": [f.model_dump() for f in facts],
            "submission": submission_data(cipher=cipher, submission=submission),
            "evidence": load_evidence(
                session=session, cipher=cipher, evidence_id=seeded.evidence_id, community=COMMUNITY
            ),
            "principal": loaded[1],
            "answer": human_task_answer(session=session, cipher=cipher, task_id=seeded.task_id),
            "image": cipher.decrypt_bytes(
                session.get(HumanTask, seeded.task_id).image_enc, context=IMAGE_CONTEXT
            ),
            "id_token": close_session(session=session, cipher=cipher, cookie=seeded.cookie),
            "answers": [
                unseal(cipher, row.values_enc) for row in session.scalars(select(DataRequestRow))
            ],
        }


def key_ids(engine: Engine, column: EncryptedColumn) -> set[str]:
    with engine.connect() as connection:
        values = connection.execute(select(column.column).where(column.column.is_not(None)))
        return {FieldCipher.key_id(value) for (value,) in values}


def counts(report: _rotate.RotationReport) -> dict[str, tuple[int, int, int, int]]:
    return {c.column: (c.reencrypted, c.already_current, c.skipped, c.left) for c in report.columns}


@pytest.fixture
def seeded(engine: Engine) -> Seeded:
    return seed(engine, OLD)


def test_every_encrypted_column_of_every_table_is_in_the_registry() -> None:
    # A new *_enc column without a registry line would silently stay under the old key.
    in_models = {
        (table.name, column.name)
        for table in SQLModel.metadata.tables.values()
        for column in table.columns
        if column.name.endswith("_enc")
    }
    assert in_models == {(c.table.name, c.name) for c in ENCRYPTED_COLUMNS}


def test_rotation_moves_every_value_to_the_new_key_and_keeps_it_readable(
    engine: Engine, seeded: Seeded
) -> None:
    before = read_everything(engine, OLD, seeded)
    assert before["residents"][0]["name"] == "𠮷祥英"
    assert before["evidence"] == (RECEIPT, "application/pdf")
    assert before["principal"] == PRINCIPAL and before["id_token"] == "it"
    assert (before["answer"], before["image"]) == ("7kq2", CAPTCHA)
    assert [a["suggestions"] for a in before["answers"]] == ["多来走访"]
    for column in ENCRYPTED_COLUMNS:
        assert key_ids(engine, column) == {"k1"}, column.label  # the seed covers every column

    # Several batches per column; contexts come from the registry, so a registry context that
    # differs from the store's constant fails here (AES-GCM refuses the associated data).
    report = rotate_keys(engine=engine, cipher=ROTATING, batch_size=1)

    for column in ENCRYPTED_COLUMNS:
        assert key_ids(engine, column) == {"k2"}, column.label
    # Without k1 in the keyring everything still reads: nothing is left under k1.
    assert read_everything(engine, NEW_ONLY, seeded) == before
    assert report.key_id == "k2"
    assert counts(report) == {
        "resident.name_enc": (2, 0, 0, 0),
        "resident.id_number_enc": (2, 0, 0, 0),
        "resident.phone_enc": (1, 0, 0, 0),  # the resident without a phone stays NULL
        "submission.data_enc": (1, 0, 0, 0),
        "evidence.blob_enc": (1, 0, 0, 0),
        "portalsession.profile_enc": (1, 0, 0, 0),
        "portalsession.tokens_enc": (1, 0, 0, 0),
        "humantask.image_enc": (1, 0, 0, 0),
        "humantask.answer_enc": (1, 0, 0, 0),
        "data_request_row.values_enc": (1, 0, 0, 0),
    }


def test_values_already_under_the_current_key_are_counted_not_rewritten(
    engine: Engine, seeded: Seeded
) -> None:
    with session_scope(engine) as session:  # written by a hub already restarted with k2
        fresh = add_resident(session, ROTATING, name="谢𪚥芬", seq=3, phone="13900000003")
        fresh_name = fresh.name_enc

    report = rotate_keys(engine=engine, cipher=ROTATING)

    assert counts(report)["resident.name_enc"] == (2, 1, 0, 0)
    with Session(engine) as session:
        stored = session.get(Resident, fresh.id)
        assert stored is not None and stored.name_enc == fresh_name


def test_second_run_re_encrypts_nothing(engine: Engine, seeded: Seeded) -> None:
    first = rotate_keys(engine=engine, cipher=ROTATING)
    with engine.connect() as connection:
        after_first = [connection.execute(select(c.column)).all() for c in ENCRYPTED_COLUMNS]

    second = rotate_keys(engine=engine, cipher=ROTATING)

    assert first.reencrypted == 12
    assert second.reencrypted == 0 and second.left == 0
    assert [c.already_current for c in second.columns] == [c.reencrypted for c in first.columns]
    with engine.connect() as connection:
        assert [connection.execute(select(c.column)).all() for c in ENCRYPTED_COLUMNS] == (
            after_first
        )


def _hub_changes_phone_after_read(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, resident_id: int, writer: FieldCipher
) -> None:
    """Between the rotation reading the phone batch and writing it, the hub saves a new phone."""
    real = _rotate._read_batch
    phone = next(c for c in ENCRYPTED_COLUMNS if c.label == "resident.phone_enc")

    def read_then_hub_writes(
        engine_: Engine, column: EncryptedColumn, *args: Any
    ) -> list[_rotate.Row]:
        rows = real(engine_, column, *args)
        if column is phone and rows:
            with session_scope(engine) as session:
                resident = session.get(Resident, resident_id)
                assert resident is not None
                resident.phone_enc = writer.encrypt("13900000002", context=phone.context)
                session.add(resident)
        return rows

    monkeypatch.setattr(_rotate, "_read_batch", read_then_hub_writes)


def phone_of(engine: Engine, resident_id: int, cipher: FieldCipher) -> str | None:
    with Session(engine) as session:
        resident = session.get(Resident, resident_id)
        assert resident is not None
        return resident_facts(session=session, cipher=cipher, resident=resident).phone


def test_value_changed_by_the_hub_during_rotation_is_skipped_not_overwritten(
    engine: Engine, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    resident_id = seeded.resident_ids[0]
    _hub_changes_phone_after_read(monkeypatch, engine, resident_id, ROTATING)

    report = rotate_keys(engine=engine, cipher=ROTATING)

    assert counts(report)["resident.phone_enc"] == (0, 0, 1, 0)
    assert counts(report)["resident.name_enc"] == (2, 0, 0, 0)  # the rest of the row rotated
    assert phone_of(engine, resident_id, NEW_ONLY) == "13900000002"  # the hub's value, not ours


def test_value_written_under_the_old_key_during_rotation_is_left_for_a_re_run(
    engine: Engine, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A hub process not yet restarted still writes with k1: the report says so.
    resident_id = seeded.resident_ids[0]
    _hub_changes_phone_after_read(monkeypatch, engine, resident_id, OLD)

    first = rotate_keys(engine=engine, cipher=ROTATING)
    monkeypatch.undo()
    second = rotate_keys(engine=engine, cipher=ROTATING)

    assert counts(first)["resident.phone_enc"] == (0, 0, 1, 1)
    assert first.left == 1
    assert counts(second)["resident.phone_enc"] == (1, 0, 0, 0)
    assert second.left == 0
    assert phone_of(engine, resident_id, NEW_ONLY) == "13900000002"


def _run_cli(tmp_path: Path, command: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env["HUB_DATA_DIR"] = str(tmp_path)
    env["HUB_CRYPTO"] = json.dumps(
        {"keys": {"k1": K1, "k2": K2}, "current_key": "k2", "blind_index_key": INDEX}
    )
    argv = [sys.executable, "-m", "hub.store", command]
    return subprocess.run(argv, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_cli_migrates_then_rotates_a_store_configured_by_environment(tmp_path: Path) -> None:
    migrated = _run_cli(tmp_path, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    engine = make_engine(store_url(tmp_path))  # HUB_DATA_DIR/hub.db, migrated by the CLI only
    try:
        seeded = seed(engine, OLD)

        rotated = _run_cli(tmp_path, "rotate-keys")

        assert rotated.returncode == 0, rotated.stderr
        assert "current key: k2" in rotated.stdout
        assert "nothing is left" in rotated.stdout
        name_row = next(line for line in rotated.stdout.splitlines() if "resident.name_enc" in line)
        assert name_row.split()[1:] == ["2", "0", "0", "0"]
        assert read_everything(engine, NEW_ONLY, seeded)["submission"]["bank"] == "江苏银行"
    finally:
        engine.dispose()
