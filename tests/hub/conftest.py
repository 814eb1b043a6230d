"""A freshly migrated community store per test (see tests/factories.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from hub.crypto import FieldCipher
from tests.factories import make_store


@pytest.fixture
def engine_and_cipher(tmp_path: Path) -> Iterator[tuple[Engine, FieldCipher]]:
    engine, cipher = make_store(tmp_path)
    yield engine, cipher
    engine.dispose()


@pytest.fixture
def engine(engine_and_cipher: tuple[Engine, FieldCipher]) -> Engine:
    return engine_and_cipher[0]


@pytest.fixture
def cipher(engine_and_cipher: tuple[Engine, FieldCipher]) -> FieldCipher:
    return engine_and_cipher[1]
