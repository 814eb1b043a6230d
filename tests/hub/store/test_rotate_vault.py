"""rotate-vault: every data key re-wrapped under the new master key, the secrets untouched."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from hub.store import (
    Credential,
    CredentialBind,
    DelegatedToken,
    bind_credential,
    keep_delegated_token,
    make_engine,
    open_credential,
    open_delegated_token,
    session_scope,
)
from hub.store import _rotate_vault as rotation
from hub.store._models import utcnow
from hub.store._rotate_vault import rotate_vault
from hub.vault import Vault, VaultError
from tests.factories import (
    COMMUNITY,
    add_community,
    add_resident,
    add_submission,
    fake_key,
    make_cipher,
    store_url,
)

REPO_ROOT = Path(__file__).resolve().parents[3]
V1, V2 = fake_key(21), fake_key(22)
OLD = Vault(keks={"v1": V1}, current_kek="v1")
ROTATING = Vault(keks={"v1": V1, "v2": V2}, current_kek="v2")
NEW_ONLY = Vault(keks={"v2": V2}, current_kek="v2")
TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ3b3JrZXItYiJ9.c2lnbmF0dXJl"  # a stand-in JWT
ACCOUNTS = {
    "worker-a": ("yuqi-wanghong", "Wanghong-2026!"),
    "worker-b": ("ruixing-lifang", "Lifang-2026!"),
    "worker-c": ("yuqi-zhangmin", "Zhangmin-𠮷-1"),
}


def seed(engine: Engine, vault: Vault = OLD) -> None:
    with session_scope(engine) as session:
        add_community(session)
        for owner, (login, password) in ACCOUNTS.items():
            bind_credential(
                session=session,
                vault=vault,
                community=COMMUNITY,
                owner=owner,
                connector_id="civil_affairs",
                data=CredentialBind.model_validate({"login_name": login, "password": password}),
                verified=True,
            )


def stored(engine: Engine) -> dict[str, Credential]:
    with Session(engine) as session:
        return {c.owner_username: c for c in session.exec(select(Credential))}


def opened(engine: Engine, vault: Vault) -> dict[str, tuple[str, str]]:
    return {
        owner: open_credential(vault=vault, credential=c) for owner, c in stored(engine).items()
    }


def test_rotation_rewraps_every_data_key_and_leaves_the_secrets_as_they_were(
    engine: Engine,
) -> None:
    seed(engine)
    before = stored(engine)

    report = rotate_vault(engine=engine, vault=ROTATING, batch_size=2)  # several batches

    after = stored(engine)
    assert (report.kek_id, report.rewrapped, report.already_current) == ("v2", 3, 0)
    assert (report.skipped, report.left) == (0, 0)
    for owner, credential in after.items():
        assert credential.kek_id == "v2"
        assert credential.dek_wrapped != before[owner].dek_wrapped
        # Not re-encrypted: the data key is the same, so are the sealed values.
        assert credential.secret_sealed == before[owner].secret_sealed
        assert credential.login_sealed == before[owner].login_sealed
    # With v1 gone from the keyring, every account still opens.
    assert opened(engine, NEW_ONLY) == ACCOUNTS
    with pytest.raises(VaultError):
        opened(engine, OLD)


def test_a_second_run_rewraps_nothing(engine: Engine) -> None:
    seed(engine)
    rotate_vault(engine=engine, vault=ROTATING)
    first = {o: c.dek_wrapped for o, c in stored(engine).items()}

    again = rotate_vault(engine=engine, vault=ROTATING)

    assert (again.rewrapped, again.already_current, again.left) == (0, 3, 0)
    assert {o: c.dek_wrapped for o, c in stored(engine).items()} == first


def test_an_account_re_bound_during_rotation_is_skipped_not_overwritten(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(engine)
    real = rotation._read_batch

    def read_then_worker_a_rebinds(*args: Any) -> list[rotation.Row]:
        rows = real(*args)
        with session_scope(engine) as session:
            credential = session.exec(
                select(Credential).where(Credential.owner_username == "worker-a")
            ).one()
            _, wrapped = ROTATING.new_data_key()  # the hub writes under the current key
            credential.dek_wrapped, credential.kek_id = wrapped.wrapped, wrapped.kek_id
            session.add(credential)
        return rows

    monkeypatch.setattr(rotation, "_read_batch", read_then_worker_a_rebinds)

    report = rotate_vault(engine=engine, vault=ROTATING, batch_size=10)

    assert (report.rewrapped, report.skipped, report.left) == (2, 1, 0)


def test_old_master_key_missing_stops_the_rotation_with_its_name(engine: Engine) -> None:
    seed(engine)
    with pytest.raises(VaultError, match="'v1'"):
        rotate_vault(engine=engine, vault=NEW_ONLY)


def _run_cli(tmp_path: Path, command: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env["HUB_DATA_DIR"] = str(tmp_path)
    env["HUB_VAULT"] = json.dumps({"keks": {"v1": V1, "v2": V2}, "current_kek": "v2"})
    argv = [sys.executable, "-m", "hub.store", command]
    return subprocess.run(argv, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_cli_rotates_the_vault_of_a_store_configured_by_environment(tmp_path: Path) -> None:
    migrated = _run_cli(tmp_path, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    engine = make_engine(store_url(tmp_path))
    try:
        seed(engine)

        rotated = _run_cli(tmp_path, "rotate-vault")

        assert rotated.returncode == 0, rotated.stderr
        assert "current vault key: v2" in rotated.stdout
        assert "re-wrapped: 3, already current: 0, skipped: 0, left: 0" in rotated.stdout
        assert "older keys can leave HUB_VAULT__KEKS" in rotated.stdout
        assert opened(engine, NEW_ONLY) == ACCOUNTS
        for _, password in ACCOUNTS.values():
            assert password not in rotated.stdout + rotated.stderr
    finally:
        engine.dispose()


def test_a_robots_delegated_token_is_rewrapped_too_and_still_opens(engine: Engine) -> None:
    seed(engine)
    with session_scope(engine) as session:
        resident = add_resident(session, make_cipher(), name="董和平", birth="19501001", sex="1")
        submission = add_submission(session, make_cipher(), resident, created_by="worker-b")
        keep_delegated_token(
            session=session,
            vault=OLD,
            submission_id=submission.id,
            connector_id="social_assistance",
            owner="worker-b",
            token=TOKEN,
            expires_at=utcnow() + timedelta(minutes=5),
        )

    report = rotate_vault(engine=engine, vault=ROTATING)

    assert (report.rewrapped, report.left) == (4, 0)  # three accounts and the token
    with Session(engine) as session:
        [row] = session.exec(select(DelegatedToken)).all()
        assert row.kek_id == "v2"
        assert open_delegated_token(vault=NEW_ONLY, row=row) == TOKEN
