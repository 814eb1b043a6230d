"""What a connector's manifest declares reaches the worker that runs its queue: its concurrency
per process, and its rate limit, which the Temporal server keeps across every worker of the queue
(tested here as configuration: a test asserting on elapsed time would be a flaky one)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from connectors.sdk import FieldDecl, Manifest
from workflows import worker
from workflows.activities import HubActivities
from workflows.queues import ORCHESTRATION, connector_queue
from workflows.worker import WORKFLOW_RUNNER as PRODUCTION_RUNNER
from workflows.worker import hub_workers


class _Declared:
    def __init__(self, connector_id: str, **limits: int) -> None:
        self.manifest = Manifest(
            id=connector_id,
            name="测试系统",
            version="1",
            kind="api",
            auth="api_key",
            allowed_hosts=["127.0.0.1"],
            business_type="测试",
            fields=[FieldDecl(name="姓名", label="姓名")],
            **limits,
        )


async def test_each_queue_gets_its_connectors_limits_and_only_what_this_process_serves(
    temporal_env,
):
    connectors = {
        "limited_sys": _Declared("limited_sys", concurrency=2, rate_limit_per_minute=30),
        "free_sys": _Declared("free_sys"),
    }
    activities = HubActivities(
        engine=None, cipher=None, vault=None, connectors=connectors, configs={}, browsers=None
    )  # type: ignore[arg-type]  # nothing here runs an activity
    with ThreadPoolExecutor(1) as pool:
        everything = hub_workers(temporal_env.client, activities, connectors, pool)
        robots_only = hub_workers(  # --only other_sys: a robot worker for one target
            temporal_env.client,
            activities,
            {"other_sys": _Declared("other_sys")},
            pool,
            orchestration=False,
        )

    by_queue = {w.task_queue: w.config() for w in everything}
    assert set(by_queue) == {
        ORCHESTRATION,
        connector_queue("limited_sys"),
        connector_queue("free_sys"),
    }
    limited = by_queue[connector_queue("limited_sys")]
    assert limited["max_concurrent_activities"] == 2
    assert limited["max_concurrent_local_activities"] == 2  # deliveries filed locally too
    assert limited["max_task_queue_activities_per_second"] == 0.5  # 30 a minute
    assert by_queue[connector_queue("free_sys")]["max_task_queue_activities_per_second"] is None
    assert [w.task_queue for w in robots_only] == [connector_queue("other_sys")]
    # Every queue runs the module's sandbox: production's passes our workflow modules through
    # (here, conftest's strict_sandbox has put the default one in its place).
    assert all(w.config()["workflow_runner"] is worker.WORKFLOW_RUNNER for w in everything)
    assert "workflows" in PRODUCTION_RUNNER.restrictions.passthrough_modules
