"""Builders for tests: a migrated store, valid ID numbers, communities, residents, submissions.

Every store is a fresh SQLite file brought up by the Alembic migrations (never ``create_all``),
so the tests exercise the schema that production runs.
"""

from __future__ import annotations

import base64
import sqlite3
import uuid
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from hub.crypto import FieldCipher
from hub.forms import bundled_forms
from hub.idcard import check_character
from hub.settings import CryptoSettings, SimulatorSettings, VaultSettings
from hub.store import (
    Community,
    Resident,
    ResidentCreate,
    Submission,
    create_resident,
    create_submission,
    make_engine,
    migrate,
)
from hub.vault import Vault

COMMUNITY = "320206104001"
OTHER_COMMUNITY = "320206104002"
REGION = "320206"
TARGETS = ("civil_affairs", "elderly_api")


def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'hub.db'}"


def make_store(tmp_path: Path) -> tuple[Engine, FieldCipher]:
    """A freshly migrated SQLite store in tmp_path, and the development cipher."""
    url = store_url(tmp_path)
    migrate(url)
    return make_engine(url), make_cipher()


def make_cipher() -> FieldCipher:
    return FieldCipher(**CryptoSettings().model_dump())


def make_vault() -> Vault:
    """The development vault keys, as the hub and the demo seed use them."""
    settings = VaultSettings()
    return Vault(keks=settings.keks, current_kek=settings.current_kek)


#: The demo workers' accounts at the simulated civil-affairs system (login -> password).
DEMO_CIVIL_ACCOUNTS = SimulatorSettings().civil_accounts


def fake_key(seed: int) -> str:
    """A distinct, valid (32-byte, base64) key per seed."""
    return base64.b64encode(bytes([seed]) * 32).decode()


def valid_id_number(birth: str, sex: str, seq: int = 1, region: str = REGION) -> str:
    """An 18-character ID with a correct check character; the 17th digit is odd for men."""
    order = f"{seq % 100:02d}{1 if sex == '1' else 2}"
    first17 = f"{region}{birth}{order}"
    return first17 + check_character(first17)


def add_community(session: Session, code: str = COMMUNITY, name: str = "玉祁社区") -> Community:
    community = session.get(Community, code)
    if community is None:
        community = Community(code=code, name=name, street_name="玉祁街道", district_code=REGION)
        session.add(community)
        session.flush()
    return community


def add_resident(
    session: Session,
    cipher: FieldCipher,
    *,
    community: str = COMMUNITY,
    name: str = "王建国",
    birth: str = "19450708",
    sex: str = "1",
    seq: int = 1,
    phone: str | None = "13900000001",
    id_number: str | None = None,
) -> Resident:
    add_community(session, community)
    data = ResidentCreate(
        name=name, id_number=id_number or valid_id_number(birth, sex, seq), phone=phone
    )
    return create_resident(session=session, cipher=cipher, data=data, community=community)


def application(**overrides: Any) -> dict[str, Any]:
    """What the portal snapshots for an elderly allowance application."""
    data: dict[str, Any] = {
        "name": "王建国",
        "id_number": valid_id_number("19450708", "1"),
        "phone": "13900000001",
        "address": "无锡市惠山区玉祁街道玉祁社区1幢1单元101室",
        "allowance_type": "80-89",
        "bank": "江苏银行",
        "bank_account": "6228480012345678901",
        "applied_on": "2026-11-25",
    }
    return data | overrides


def add_submission(
    session: Session,
    cipher: FieldCipher,
    resident: Resident,
    *,
    client_key: str | None = None,
    created_by: str = "worker-yuqi",
    targets: tuple[str, ...] = TARGETS,
    data: dict[str, Any] | None = None,
) -> Submission:
    submission, _ = create_submission(
        session=session,
        cipher=cipher,
        resident=resident,
        form_id="elderly-allowance",
        form_version=bundled_forms()["elderly-allowance"].version,
        targets=list(targets),
        data=data if data is not None else application(),
        client_key=client_key or uuid.uuid4().hex,
        created_by=created_by,
    )
    return submission


def raw_store_bytes(tmp_path: Path) -> bytes:
    """Every byte SQLite wrote for the store: the database file and its WAL and shared memory."""
    return b"".join(p.read_bytes() for p in sorted(tmp_path.glob("hub.db*")))


def raw_values(tmp_path: Path) -> list[object]:
    """Every value of every row of every table, read with sqlite3 behind SQLAlchemy's back."""
    with closing(sqlite3.connect(tmp_path / "hub.db")) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return [v for t in tables for row in db.execute(f'SELECT * FROM "{t}"') for v in row]


#: The columns of the resident ledger communities keep, as the import guesses them.
LEDGER_HEADERS = ["姓名", "身份证号", "手机", "楼号", "单元", "室", "与户主关系", "标签"]


def ledger_of(n: int) -> bytes:
    """n residents, three to a room, with distinct valid ID numbers; built as text, fast."""
    lines = [",".join(LEDGER_HEADERS)]
    start = date(1930, 1, 1).toordinal()
    for i in range(n):
        first17 = f"320206{date.fromordinal(start + i % 30000):%Y%m%d}{i // 30000:02d}{i % 2}"
        house = f"{i // 300 + 1}幢,{i // 30 % 10 + 1}单元,{i % 30 // 3 + 101}室"
        role = "户主" if i % 3 == 0 else "子女"
        tag = "党员" if i % 7 == 0 else ""
        lines.append(f"居民{i},{first17}{check_character(first17)},139{i:08d},{house},{role},{tag}")
    return "\r\n".join(lines).encode("gb18030")
