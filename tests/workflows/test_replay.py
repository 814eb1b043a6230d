"""Recorded histories replay on today's workflow code: a change that would break a workflow
already running (a step added, moved or dropped without `workflow.patched`) fails here, in
`make test`, instead of in production. Histories come from tests/workflows/record_histories.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from tests.workflows.conftest import CODEC_SETTINGS
from tests.workflows.record_histories import HISTORIES, SCENARIOS
from workflows import codec
from workflows.delivery import DeliveryWorkflow
from workflows.models import SubmissionInput, SubmissionOutput, TargetPlan
from workflows.submission import SubmissionWorkflow

RECORDED = sorted(HISTORIES.glob("*.json"))
#: As the workers read histories: encrypted payloads decrypted, older plain ones as they are.
CONVERTER = codec.data_converter(CODEC_SETTINGS.codec_keys, CODEC_SETTINGS.codec_current_key)


def _history(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(path.stem, path.read_text())


def test_every_scenario_was_recorded_for_each_version():
    stems = {p.stem for p in RECORDED}
    assert stems >= {f"v1-{name}" for name in SCENARIOS}  # one workflow did everything
    assert stems >= {f"v2-{name}" for name in SCENARIOS}  # a child per target
    assert stems >= {f"v3-{name}" for name in SCENARIOS}  # the activity marks 正在提交
    assert stems >= {f"v4-{name}" for name in SCENARIOS}  # …and records its success
    assert stems >= {f"v5-{name}" for name in SCENARIOS}  # input flags, not patches, decide
    assert stems >= {f"v6-{name}" for name in SCENARIOS}  # API targets file locally
    assert "v2-sso-relogin-delivery-sso_sys" in stems


@pytest.mark.parametrize("path", RECORDED, ids=[p.stem for p in RECORDED])
async def test_recorded_history_replays_on_todays_code(path: Path):
    replayer = Replayer(workflows=[SubmissionWorkflow, DeliveryWorkflow], data_converter=CONVERTER)
    result = await replayer.replay_workflow(_history(path), raise_on_replay_failure=False)
    assert result.replay_failure is None, f"{path.name}: {result.replay_failure}"


@workflow.defn(name="SubmissionWorkflow", sandboxed=False)  # defined in a test module
class _FirstStepDropped(SubmissionWorkflow):
    """Today's workflow with its first step (marking deliveries running) left out, unpatched."""

    @workflow.run
    async def run(self, data: SubmissionInput) -> SubmissionOutput:
        return await super().run(data)

    async def _mark_running(self, data: SubmissionInput, target: TargetPlan) -> None:
        return None


async def test_a_change_without_a_patch_is_caught():
    replayer = Replayer(workflows=[_FirstStepDropped], data_converter=CONVERTER)
    result = await replayer.replay_workflow(
        _history(HISTORIES / "v1-fan-out-with-decision.json"), raise_on_replay_failure=False
    )
    assert result.replay_failure is not None
    assert "nondetermin" in str(result.replay_failure).lower()
