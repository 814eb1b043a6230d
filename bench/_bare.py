"""The baselines of bench/orchestration.py: empty fan-outs of the hub's width, on the same server.

A module of its own, import-light like the hub's workflow modules: the sandbox imports a
workflow's module afresh for every run, and the bench script around it would make the baseline
pay for imports the hub's workflows do not.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import activity, workflow


@activity.defn(name="bench_noop")
async def noop(n: int) -> int:
    return n


@workflow.defn(name="BenchBareDelivery")
class BareDelivery:
    """A child doing nothing but one no-op activity on its own queue (a delivery's shape)."""

    @workflow.run
    async def run(self, n: int) -> int:
        return await _noop(n, workflow.info().task_queue)


@workflow.defn(name="BenchBareActivities")
class BareActivities:
    """One no-op activity per queue, in parallel: the least Temporal can do for this width."""

    @workflow.run
    async def run(self, queues: list[str]) -> list[int]:
        return list(await asyncio.gather(*(_noop(n, q) for n, q in enumerate(queues))))


@workflow.defn(name="BenchBareChildren")
class BareChildren:
    """One BareDelivery child per queue, in parallel: the hub's shape without its work."""

    @workflow.run
    async def run(self, queues: list[str]) -> list[int]:
        children = (
            workflow.execute_child_workflow(
                BareDelivery.run, n, id=f"{workflow.info().workflow_id}-{n}", task_queue=q
            )
            for n, q in enumerate(queues)
        )
        return list(await asyncio.gather(*children))


async def _noop(n: int, queue: str) -> int:
    return await workflow.execute_activity(
        noop, n, task_queue=queue, start_to_close_timeout=timedelta(seconds=30)
    )
