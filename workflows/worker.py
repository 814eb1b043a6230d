"""Worker entry point: `python -m workflows.worker` polls the orchestration queue and every
installed connector's queue, in one process (scale out by running several)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Worker

from connectors.sdk import BrowserPool, load_connectors
from hub.connector_config import connector_configs
from hub.crypto import FieldCipher
from hub.logs import configure_logging
from hub.settings import Settings, get_settings
from hub.store import make_engine
from hub.vault import Vault
from workflows.activities import HubActivities
from workflows.credential_check import CredentialCheckWorkflow
from workflows.queues import ORCHESTRATION, connector_queue
from workflows.submission import SubmissionWorkflow


async def run_worker(settings: Settings, *, ready: asyncio.Event | None = None) -> None:
    client = await Client.connect(
        settings.temporal.address,
        namespace=settings.temporal.namespace,
        data_converter=pydantic_data_converter,
    )
    connectors = load_connectors()
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
        workers = [
            Worker(
                client,
                task_queue=ORCHESTRATION,
                workflows=[SubmissionWorkflow, CredentialCheckWorkflow],
                activities=[
                    activities.mark_running,
                    activities.mark_needs_login,
                    activities.record_result,
                    activities.record_decision,
                    activities.settle_credential_check,
                ],
                activity_executor=store_pool,
            )
        ]
        workers += [
            Worker(
                client,
                task_queue=connector_queue(connector_id),
                activities=[
                    activities.deliver,
                    activities.check_decision,
                    activities.verify_credentials,
                ],
                max_concurrent_activities=connector.manifest.concurrency,
            )
            for connector_id, connector in connectors.items()
        ]
        if ready is not None:
            ready.set()
        try:
            await asyncio.gather(*(w.run() for w in workers))
        finally:
            await browsers.close()


def main() -> None:
    configure_logging()
    asyncio.run(run_worker(get_settings()))


if __name__ == "__main__":
    main()
