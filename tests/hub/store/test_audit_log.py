"""What goes into the audit log (ids and field names, never personal data) and how a community
admin reads it: her community only, newest first, a page at a time, by month and action."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from hub.clock import BEIJING
from hub.crypto import FieldCipher
from hub.errors import InvalidInput
from hub.store import audit, session_scope
from tests.factories import COMMUNITY, OTHER_COMMUNITY


def _append(engine: Engine, cipher: FieldCipher, **overrides: object) -> None:
    entry: dict = {
        "actor": "admin-a",
        "roles": ["worker", "community_admin"],
        "action": "reveal",
        "community_code": COMMUNITY,
        "subject": "resident:7",
        "detail": {"fields": ["id_number", "phone"], "reason_chars": 6, "change_record": 3},
    }
    with session_scope(engine) as session:
        audit.append(session, cipher=cipher, **{**entry, **overrides})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "detail",
    [
        {"name": "𠮷祥英"},
        {"reason": "核对低保材料"},
        {"id_number": "320206194203150020"},
        {"phone": "13912345678"},
        {"phone": 13912345678},
        {"fields": ["id_number", "王小明"]},
        {"Reason": "ok"},
        {"note": {"nested": "ok"}},
    ],
)
def test_detail_beyond_ids_and_field_names_is_refused(
    engine: Engine, cipher: FieldCipher, detail: dict
):
    with pytest.raises(ValueError, match="audit detail"):
        _append(engine, cipher, detail=detail)
    with session_scope(engine) as session:
        assert session.exec(select(audit.AuditEntry)).all() == []
        assert audit.verify(session, cipher=cipher).intact


def test_unknown_actions_and_subjects_that_are_not_ids_are_refused(
    engine: Engine, cipher: FieldCipher
):
    with pytest.raises(ValueError, match="unknown audit action"):
        _append(engine, cipher, action="peek")
    with pytest.raises(ValueError, match="kind:id"):
        _append(engine, cipher, subject="resident:𠮷祥英")


def test_ids_states_and_uuid_hex_are_accepted(engine: Engine, cipher: FieldCipher):
    _append(
        engine,
        cipher,
        action="credential_use",
        subject="credential:9f86d081884c7d659a2feaa0c55ad015",
        detail={
            "connector": "civil_affairs",
            "submission_id": "0f86d081884c7d659a2feaa0c55ad015",
            "activity": "deliver",
            "outcome": "ok",
            "first_use": True,
        },
    )
    with session_scope(engine) as session:
        (entry,) = audit.entries_page(session=session, community=COMMUNITY).entries
    assert entry.action_words == "使用账号凭据" and entry.roles == ["community_admin", "worker"]
    assert "目标系统：civil_affairs" in entry.summary and "first_use：是" in entry.summary


def test_an_admin_change_names_the_fields_never_their_values(engine: Engine, cipher: FieldCipher):
    with session_scope(engine) as session:
        entry = audit.record_admin_change(
            session,
            cipher=cipher,
            actor="it-admin",
            roles=["it_admin"],
            community_code=None,
            subject="connector:civil_affairs",
            change="connector_settings",
            fields=["timeout_s", "base_url"],
        )
    assert entry.action == "admin_change"
    assert entry.detail == '{"change":"connector_settings","fields":["base_url","timeout_s"]}'


def test_a_reveal_reads_in_words(engine: Engine, cipher: FieldCipher):
    _append(engine, cipher)
    with session_scope(engine) as session:
        (entry,) = audit.entries_page(session=session, community=COMMUNITY).entries
    assert (entry.action_words, entry.subject_words) == ("查看完整信息", "居民 7")
    assert entry.summary == "变更记录：3；字段：身份证号码、手机号码；理由字数：6"
    assert entry.at_local == entry.at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def test_a_community_reads_only_its_own_entries_newest_first(engine: Engine, cipher: FieldCipher):
    for i in range(5):
        _append(engine, cipher, subject=f"resident:{i}")
    _append(engine, cipher, community_code=OTHER_COMMUNITY, actor="admin-b")
    _append(engine, cipher, community_code=None, actor="it-admin", action="login")
    with session_scope(engine) as session:
        first = audit.entries_page(session=session, community=COMMUNITY, per_page=2)
        last = audit.entries_page(session=session, community=COMMUNITY, page=3, per_page=2)
        other = audit.entries_page(session=session, community=OTHER_COMMUNITY)
    assert [e.seq for e in first.entries] == [5, 4] and (first.pages, first.total) == (3, 5)
    assert [e.seq for e in last.entries] == [1]
    assert [(e.seq, e.actor) for e in other.entries] == [(6, "admin-b")]


def test_filters_by_action_and_beijing_month(engine: Engine, cipher: FieldCipher):
    _append(engine, cipher)
    _append(engine, cipher, action="login", subject="user:admin-a", detail={"via": "portal"})
    this_month = datetime.now(BEIJING).strftime("%Y-%m")
    with session_scope(engine) as session:
        logins = audit.entry_rows(session=session, community=COMMUNITY, action="login")
        now = audit.entry_rows(session=session, community=COMMUNITY, month=this_month)
        before = audit.entry_rows(session=session, community=COMMUNITY, month="2020-01")
        with pytest.raises(InvalidInput):
            audit.entry_rows(session=session, community=COMMUNITY, month="2026-13")
        with pytest.raises(InvalidInput):
            audit.entry_rows(session=session, community=COMMUNITY, action="peek")
    assert [e.action for e in logins] == ["login"]
    assert [e.seq for e in now] == [2, 1] and before == []
