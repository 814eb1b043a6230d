"""Recorded histories replay on today's workflow code: a change that would break a workflow
already running (a step added, moved or dropped without `workflow.patched`) fails here, in
`make test`, instead of in production. Histories come from tests/workflows/record_histories.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from tests.workflows.record_histories import HISTORIES, SCENARIOS
from workflows.models import SubmissionInput, SubmissionOutput, TargetPlan
from workflows.submission import SubmissionWorkflow

RECORDED = sorted(HISTORIES.glob("*.json"))


def _history(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text())


def test_every_scenario_was_recorded_for_the_first_version():
    assert {p.stem for p in RECORDED} >= {f"v1-{name}" for name in SCENARIOS}


@pytest.mark.parametrize("path", RECORDED, ids=[p.stem for p in RECORDED])
async def test_recorded_history_replays_on_todays_code(path: Path):
    replayer = Replayer(workflows=[SubmissionWorkflow], data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(_history(path), raise_on_replay_failure=False)
    assert result.replay_failure is None, f"{path.name}: {result.replay_failure}"


@workflow.defn(name="SubmissionWorkflow")
class _FirstStepDropped(SubmissionWorkflow):
    """Today's workflow with its first step (marking deliveries running) left out, unpatched."""

    @workflow.run
    async def run(self, data: SubmissionInput) -> SubmissionOutput:
        return await super().run(data)

    async def _mark_running(self, data: SubmissionInput, target: TargetPlan) -> None:
        return None


async def test_a_change_without_a_patch_is_caught():
    replayer = Replayer(workflows=[_FirstStepDropped], data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(
        _history(HISTORIES / "v1-fan-out-with-decision.json"), raise_on_replay_failure=False
    )
    assert result.replay_failure is not None
    assert "nondetermin" in str(result.replay_failure).lower()
