"""Worker entry point: `python -m workflows.worker` polls the orchestration queue and every
installed connector's queue, in one process. Scale out by running several, each on some queues:

    python -m workflows.worker --only orchestration          # submissions, store write-backs
    python -m workflows.worker --only veterans,civil_affairs # those targets' robots
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from connectors.sdk import BrowserPool, Connector, Manifest, load_connectors
from hub.connector_config import connector_configs
from hub.crypto import FieldCipher
from hub.logs import configure_logging
from hub.settings import Settings, get_settings
from hub.store import make_engine
from hub.vault import Vault
from workflows import codec
from workflows.activities import HubActivities
from workflows.credential_check import CredentialCheckWorkflow
from workflows.delivery import DeliveryWorkflow
from workflows.queues import ORCHESTRATION, connector_queue
from workflows.search import ensure_search_attributes
from workflows.submission import SubmissionWorkflow

ORCHESTRATION_ROLE = "orchestration"
#: The workers' sandbox, with the hub's own workflow modules passed through. By default the
#: sandbox imports a workflow's module afresh for every run it starts or replays (five a
#: submission to four targets): a tenth of a fan-out's worker CPU. Ours keep no state between
#: runs (constants only), so they are imported once. What that gives up, the restricted
#: stand-ins for datetime, random and the like inside our workflow code, the tests keep: they
#: run the same workflows on the default sandbox (tests/workflows, the replay tests), where a
#: non-deterministic call fails.
WORKFLOW_RUNNER = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules("workflows")
)


async def run_worker(
    settings: Settings,
    *,
    ready: asyncio.Event | None = None,
    only: Collection[str] | None = None,
) -> None:
    """only: "orchestration" and/or connector ids this process serves (None: all of them)."""
    client = await Client.connect(
        settings.temporal.address,
        namespace=settings.temporal.namespace,
        data_converter=codec.data_converter(
            settings.temporal.codec_keys, settings.temporal.codec_current_key
        ),
    )
    await ensure_search_attributes(client, settings.temporal.namespace)
    connectors = load_connectors()  # all of them: the write-backs name any target
    serves_orchestration = only is None or ORCHESTRATION_ROLE in only
    served = connectors
    if only is not None:
        unknown = set(only) - {ORCHESTRATION_ROLE, *connectors}
        if unknown:
            raise SystemExit(f"--only: no such queue {', '.join(sorted(unknown))}")
        served = {cid: c for cid, c in connectors.items() if cid in only}
    browsers = BrowserPool(
        executable=settings.browser.executable, headless=settings.browser.headless
    )
    activities = HubActivities(
        engine=make_engine(settings.database_url),
        cipher=FieldCipher(**settings.crypto.model_dump()),
        vault=Vault(keks=settings.vault.keks, current_kek=settings.vault.current_kek),
        connectors=connectors,
        configs=connector_configs(settings),
        browsers=browsers,
    )
    with ThreadPoolExecutor(max_workers=8) as store_pool:
        workers = hub_workers(
            client, activities, served, store_pool, orchestration=serves_orchestration
        )
        if ready is not None:
            ready.set()
        try:
            await asyncio.gather(*(w.run() for w in workers))
        finally:
            await browsers.close()


def hub_workers(
    client: Client,
    activities: HubActivities,
    connectors: Mapping[str, Connector],
    store_pool: Executor,
    *,
    orchestration: bool = True,
) -> list[Worker]:
    """The orchestration queue's worker and one per connector's queue, as this process runs
    them (tests build theirs here too, so they run what production runs)."""
    workers = []
    if orchestration:  # built only when served: a Worker registers its queue as it is made
        workers.append(
            Worker(
                client,
                task_queue=ORCHESTRATION,
                workflows=[SubmissionWorkflow, CredentialCheckWorkflow],
                workflow_runner=WORKFLOW_RUNNER,
                activities=[
                    activities.mark_running,
                    activities.mark_waiting,
                    activities.mark_withdrawn,
                    activities.mark_needs_login,
                    activities.record_human_answer,
                    activities.record_result,
                    activities.record_decision,
                    activities.settle_credential_check,
                ],
                activity_executor=store_pool,
            )
        )
    return [
        *workers,
        *(
            Worker(
                client,
                task_queue=connector_queue(connector_id),
                # Each target's deliveries run beside its activities: scale a busy target's
                # robots by running more workers, and its deliveries come along.
                workflows=[DeliveryWorkflow],
                workflow_runner=WORKFLOW_RUNNER,
                activities=[
                    activities.deliver,
                    activities.amend,
                    activities.check_decision,
                    activities.verify_credentials,
                ],
                max_concurrent_activities=connector.manifest.concurrency,
                # Deliveries filed as local activities (hub.submitting.files_locally) run here
                # too, under the same limit.
                max_concurrent_local_activities=connector.manifest.concurrency,
                # The target's rate limit, kept by the server across every worker on the queue.
                max_task_queue_activities_per_second=_per_second(connector.manifest),
            )
            for connector_id, connector in connectors.items()
        ),
    ]


def _per_second(manifest: Manifest) -> float | None:
    per_minute = manifest.rate_limit_per_minute
    return None if per_minute is None else per_minute / 60


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m workflows.worker", description=__doc__)
    parser.add_argument(
        "--only",
        help="comma-separated: 'orchestration' and/or connector ids (default: every queue)",
    )
    args = parser.parse_args(argv)
    only = {q.strip() for q in args.only.split(",") if q.strip()} if args.only else None
    configure_logging()
    asyncio.run(run_worker(get_settings(), only=only))


if __name__ == "__main__":
    main()
