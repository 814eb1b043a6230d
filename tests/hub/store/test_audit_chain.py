"""The audit log's chain, on SQLite and PostgreSQL: appends link up, verify finds every kind of
tampering, two writers never fork it, and the database refuses changes to it."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from hub.crypto import FieldCipher
from hub.settings import CryptoSettings
from hub.store import audit, session_scope
from hub.store._audit_chain import link
from tests.factories import COMMUNITY, fake_key

REPO_ROOT = Path(__file__).resolve().parents[3]


def _append(engine: Engine, cipher: FieldCipher, n: int = 1, actor: str = "admin-a") -> None:
    for i in range(n):
        with session_scope(engine) as session:
            audit.append(
                session,
                cipher=cipher,
                actor=actor,
                roles={"worker", "community_admin"},
                action="reveal",
                community_code=COMMUNITY,
                subject=f"resident:{i + 1}",
                detail={"fields": ["id_number"], "reason_chars": 4},
            )


def _verify(engine: Engine, cipher: FieldCipher) -> audit.ChainReport:
    with session_scope(engine) as session:
        return audit.verify(session, cipher=cipher)


def _entries(engine: Engine) -> list[audit.AuditEntry]:
    with session_scope(engine) as session:
        return list(session.exec(select(audit.AuditEntry).order_by(audit.AuditEntry.seq)))


def _tamper(engine: Engine, *statements: tuple[str, dict[str, Any]]) -> None:
    """What someone with write access to the database can do: lift the append-only guard."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE auditentry DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER auditentry_no_update"))
            connection.execute(text("DROP TRIGGER auditentry_no_delete"))
        for statement, params in statements:
            connection.execute(text(statement), params)


def test_appending_builds_a_valid_chain(engine: Engine, cipher: FieldCipher):
    _append(engine, cipher, 4)
    with session_scope(engine) as session:  # two in one transaction link up as well
        for action in ("login", "logout"):
            audit.append(
                session,
                cipher=cipher,
                actor="it-admin",
                roles=["it_admin"],
                action=action,
                community_code=None,
                subject="user:it-admin",
                detail={"via": "portal"},
            )
    entries = _entries(engine)
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5, 6]
    assert entries[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False))
    assert all(e.hash == link(cipher, e) for e in entries)
    report = _verify(engine, cipher)
    assert report.intact and report.checked == 6 and report.last_hash == entries[-1].hash


def test_an_empty_log_verifies(engine: Engine, cipher: FieldCipher):
    report = _verify(engine, cipher)
    assert report.intact and report.checked == 0


def test_verify_finds_an_edited_detail(engine: Engine, cipher: FieldCipher):
    _append(engine, cipher, 5)
    _tamper(engine, ("UPDATE auditentry SET detail = :d WHERE seq = 3", {"d": '{"fields":[]}'}))
    report = _verify(engine, cipher)
    assert (report.intact, report.broken_at, report.reason) == (False, 3, "hash mismatch")
    assert report.checked == 2


def test_verify_finds_an_edited_actor(engine: Engine, cipher: FieldCipher):
    _append(engine, cipher, 5)
    _tamper(engine, ("UPDATE auditentry SET actor = 'worker-b' WHERE seq = 4", {}))
    report = _verify(engine, cipher)
    assert (report.broken_at, report.reason) == (4, "hash mismatch")


def test_verify_finds_a_deleted_entry(engine: Engine, cipher: FieldCipher):
    _append(engine, cipher, 5)
    _tamper(engine, ("DELETE FROM auditentry WHERE seq = 2", {}))
    report = _verify(engine, cipher)
    assert (report.broken_at, report.reason) == (2, "gap: next entry is 3")


def test_verify_finds_the_last_entries_cut_off(engine: Engine, cipher: FieldCipher):
    _append(engine, cipher, 5)
    _tamper(engine, ("DELETE FROM auditentry WHERE seq >= 4", {}))
    report = _verify(engine, cipher)
    assert report.broken_at == 4 and report.reason is not None
    assert report.reason.startswith("missing at the end")


def test_verify_finds_two_entries_swapped(engine: Engine, cipher: FieldCipher):
    _append(engine, cipher, 2)
    _append(engine, cipher, 1, actor="admin-x")
    _append(engine, cipher, 2)
    two, three = _entries(engine)[1:3]
    columns = ("at", "actor", "roles", "action", "subject", "detail", "prev_hash", "hash")
    swap = ", ".join(f"{c} = :{c}" for c in columns)
    _tamper(
        engine,
        (f"UPDATE auditentry SET {swap} WHERE seq = 2", {c: getattr(three, c) for c in columns}),
        (f"UPDATE auditentry SET {swap} WHERE seq = 3", {c: getattr(two, c) for c in columns}),
    )
    report = _verify(engine, cipher)
    assert (report.broken_at, report.reason) == (2, "hash mismatch")


def _rechain(engine: Engine, mac: Any) -> None:
    """Edit entry 2, then recompute every hash from there on with `mac`, links and head too."""
    entries = _entries(engine)
    entries[1].detail = '{"fields":["phone"],"reason_chars":4}'
    statements = []
    prev = entries[0].hash
    for entry in entries[1:]:
        entry.prev_hash = prev
        fields = {
            "seq": entry.seq,
            "at": entry.at.isoformat(timespec="microseconds"),
            "actor": entry.actor,
            "roles": entry.roles,
            "action": entry.action,
            "community_code": entry.community_code,
            "subject": entry.subject,
            "detail": entry.detail,
            "prev_hash": entry.prev_hash,
        }
        canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        prev = mac(b"hub.audit.v1\x00" + canonical.encode())
        statements.append(
            (
                "UPDATE auditentry SET detail = :d, prev_hash = :p, hash = :h WHERE seq = :s",
                {"d": entry.detail, "p": entry.prev_hash, "h": prev, "s": entry.seq},
            )
        )
    statements.append(("UPDATE auditchainhead SET last_hash = :h WHERE id = 1", {"h": prev}))
    _tamper(engine, *statements)


def test_a_chain_recomputed_as_bare_sha256_does_not_verify(engine: Engine, cipher: FieldCipher):
    _append(engine, cipher, 4)
    _rechain(engine, lambda data: hashlib.sha256(data).hexdigest())
    report = _verify(engine, cipher)
    assert (report.broken_at, report.reason) == (2, "hash mismatch")


def test_a_chain_recomputed_under_another_key_does_not_verify(engine: Engine, cipher: FieldCipher):
    _append(engine, cipher, 4)
    other = FieldCipher(**{**CryptoSettings().model_dump(), "audit_key": fake_key(7)})
    _rechain(engine, other.audit_mac)
    assert (_verify(engine, cipher).broken_at, _verify(engine, other).broken_at) == (2, 1)


def test_a_rolled_back_change_leaves_no_entry(engine: Engine, cipher: FieldCipher):
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        audit.append(
            session,
            cipher=cipher,
            actor="admin-a",
            roles=["community_admin"],
            action="reveal",
            community_code=COMMUNITY,
            subject="resident:1",
            detail={"fields": ["id_number"]},
        )
        raise RuntimeError("the change it recorded failed")
    assert _entries(engine) == []
    _append(engine, cipher, 1)
    assert [e.seq for e in _entries(engine)] == [1]
    assert _verify(engine, cipher).intact


def test_the_database_refuses_to_change_or_delete_entries(engine: Engine, cipher: FieldCipher):
    _append(engine, cipher, 2)
    refused = [
        "UPDATE auditentry SET actor = 'x' WHERE seq = 1",
        "DELETE FROM auditentry WHERE seq = 2",
    ]
    if engine.dialect.name == "postgresql":
        refused.append("TRUNCATE auditentry")
    for statement in refused:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    assert len(_entries(engine)) == 2 and _verify(engine, cipher).intact


def test_concurrent_appends_keep_one_chain(engine: Engine, cipher: FieldCipher):
    threads, each = 4, 15
    start = threading.Barrier(threads)
    failures: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            start.wait()
            _append(engine, cipher, each, actor=name)
        except BaseException as error:  # reported below, not lost in the thread
            failures.append(error)

    workers = [threading.Thread(target=writer, args=(f"w{i}",)) for i in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    assert failures == []
    entries = _entries(engine)
    assert [e.seq for e in entries] == list(range(1, threads * each + 1))
    report = _verify(engine, cipher)
    assert report.intact and report.checked == threads * each


def test_an_append_waits_for_the_transaction_holding_the_chain(engine: Engine, cipher: FieldCipher):
    # A appends and keeps its transaction open; B appends meanwhile. B must come after A,
    # linked to A's hash: it waited for A's commit instead of reading the old head.
    b_started = threading.Event()
    errors: list[BaseException] = []

    def b() -> None:
        try:
            b_started.set()
            _append(engine, cipher, 1, actor="b")
        except BaseException as error:
            errors.append(error)

    with session_scope(engine) as session:
        first = audit.append(
            session,
            cipher=cipher,
            actor="a",
            roles=["worker"],
            action="login",
            community_code=COMMUNITY,
            subject="user:a",
            detail={"via": "portal"},
        )
        other = threading.Thread(target=b)
        other.start()
        b_started.wait(5)
        other.join(0.3)  # B is (most likely) waiting on the chain's lock by now
    other.join()
    assert errors == []
    entries = _entries(engine)
    assert [(e.seq, e.actor) for e in entries] == [(1, "a"), (2, "b")]
    assert entries[1].prev_hash == first.hash
    assert _verify(engine, cipher).intact


def _cli(database_url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env["HUB_DATABASE__URL"] = database_url  # the development keys, as `make_cipher` uses
    argv = [sys.executable, "-m", "hub.store", "audit-verify"]
    return subprocess.run(argv, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_the_verify_command_says_intact_or_where_it_broke(
    engine: Engine, cipher: FieldCipher, database_url: str
):
    _append(engine, cipher, 3)
    intact = _cli(database_url)
    assert intact.returncode == 0, intact.stderr
    assert "3 entries checked" in intact.stdout and "chain intact" in intact.stdout
    _tamper(engine, ("UPDATE auditentry SET subject = 'resident:99' WHERE seq = 2", {}))
    broken = _cli(database_url)
    assert broken.returncode == 1
    assert "chain broken at entry 2: hash mismatch" in broken.stdout
