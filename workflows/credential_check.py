"""The test login that decides whether a worker's newly bound account is kept.

It tries the account on the connector's own queue (a real login at the target, with the account
read from the vault inside that activity), then settles it in the store: a working account
replaces the one she had, a refused one is deleted. If the target could not be reached at all, the
account stays pending (never used by robots) and she is told to try again later. The input and
the history hold the credential's id only: the workflow id is random, with nothing personal in it.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from workflows.delivery import NON_RETRYABLE
    from workflows.models import (
        CredentialCheckInput,
        CredentialCheckOutput,
        SettleCredentialInput,
        VerifyCredentialsInput,
        VerifyCredentialsOutput,
    )
    from workflows.queues import ORCHESTRATION, connector_queue

#: A worker waits for the answer: a few quick tries, then "try again later".
_VERIFY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(seconds=4),
    maximum_attempts=3,
    non_retryable_error_types=NON_RETRYABLE,
)
_UNREACHABLE = "暂时无法连接该系统，账号尚未验证，请稍后重新绑定"
_STORE_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30)
)


@workflow.defn
class CredentialCheckWorkflow:
    @workflow.run
    async def run(self, data: CredentialCheckInput) -> CredentialCheckOutput:
        try:
            await workflow.execute_activity(
                "verify_credentials",
                VerifyCredentialsInput(
                    credential_id=data.credential_id, connector_id=data.connector_id
                ),
                task_queue=connector_queue(data.connector_id),
                start_to_close_timeout=timedelta(seconds=data.start_to_close_timeout_s),
                heartbeat_timeout=timedelta(seconds=data.heartbeat_timeout_s),
                retry_policy=_VERIFY_RETRY,
                result_type=VerifyCredentialsOutput,
            )
            outcome = CredentialCheckOutput(result="verified", message="已验证")
        except ActivityError as err:
            cause = err.cause
            if not isinstance(cause, ApplicationError) or cause.type == "TargetUnavailable":
                return CredentialCheckOutput(result="failed", message=_UNREACHABLE)
            if cause.type != "CredentialsRejected":
                return CredentialCheckOutput(result="failed", message=cause.message)
            outcome = CredentialCheckOutput(result="rejected", message=cause.message)
        await workflow.execute_activity(
            "settle_credential_check",
            SettleCredentialInput(
                credential_id=data.credential_id, verified=outcome.result == "verified"
            ),
            task_queue=ORCHESTRATION,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=_STORE_RETRY,
        )
        return outcome
