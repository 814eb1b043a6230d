"""Activities: thin wrappers that decode input, call the store or a connector, and map errors.

This is one of the two places project errors are translated (the other is the API's exception
handler): a HubError becomes an ApplicationError whose type is the class name, so the workflow's
retry policy can tell business rejections and broken robots from outages.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from playwright.async_api import Error as PlaywrightError
from sqlalchemy import Engine
from temporalio import activity
from temporalio.exceptions import ApplicationError, ApplicationErrorCategory

from connectors.sdk import (
    Amends,
    Application,
    BrowserPool,
    ChecksLogin,
    Connector,
    DeliveryBrowsers,
    DeliveryContext,
    Receipt,
    RetryPolicyDecl,
    TracksDecisions,
    scrub_trace,
)
from hub.crypto import FieldCipher
from hub.errors import (
    NEEDS_IT,
    ConfigurationError,
    CredentialsRejected,
    HubError,
    RobotBroken,
    SsoLoginRequired,
    TargetUnavailable,
)
from hub.forms import form_version, target_fields
from hub.store import (
    DeliveryDecision,
    DeliveryResult,
    Submission,
    answer_human_task,
    drop_delegated_tokens,
    mark_delivery_needs_login,
    mark_delivery_running,
    mark_delivery_waiting,
    mark_delivery_withdrawn,
    record_delivery_decision,
    record_delivery_result,
    save_evidence,
    session_scope,
    settle_check,
    submission_data,
)
from hub.vault import Vault
from workflows._asking import HumanAsker
from workflows._credentials import CredentialAccess
from workflows._sso import SsoTokenAccess
from workflows.models import (
    AmendInput,
    CheckDecisionInput,
    DecisionOutput,
    DeliverInput,
    DeliverOutput,
    HumanAnswer,
    MarkNeedsLoginInput,
    MarkRunningInput,
    MarkWaitingInput,
    RecordDecisionInput,
    RecordInput,
    SettleCredentialInput,
    VerifyCredentialsInput,
    VerifyCredentialsOutput,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

#: How a Playwright trace is stored (open it with `playwright show-trace <file>.zip`).
TRACE_TYPE = "application/zip"
_OUTCOME_WORDS = {"succeeded": "已受理", "rejected": "被退回", "failed": "提交失败"}


def to_application_error(exc: HubError) -> ApplicationError:
    # The message is the Chinese text the worker sees; details stay in our logs, never PII.
    wait = exc.retry_after_s if isinstance(exc, TargetUnavailable) else None
    return ApplicationError(
        exc.user_message,
        type=type(exc).__name__,
        non_retryable=not exc.retryable,
        # The target said when to come back (Retry-After): that, not the backoff, sets the wait.
        next_retry_delay=timedelta(seconds=wait) if wait else None,
    )


class HubActivities:
    def __init__(
        self,
        *,
        engine: Engine,
        cipher: FieldCipher,
        vault: Vault,
        connectors: Mapping[str, Connector],
        configs: Mapping[str, Mapping[str, str]],
        browsers: BrowserPool | None,
    ) -> None:
        self._engine = engine
        self._cipher = cipher
        self._vault = vault
        self._connectors = connectors
        self._configs = configs
        self._browsers = browsers

    @activity.defn(name="mark_delivery_running")
    def mark_running(self, data: MarkRunningInput) -> None:
        with session_scope(self._engine) as session:
            mark_delivery_running(
                session=session, submission_id=data.submission_id, target=data.connector_id
            )

    @activity.defn(name="mark_delivery_needs_login")
    def mark_needs_login(self, data: MarkNeedsLoginInput) -> None:
        with session_scope(self._engine) as session:
            mark_delivery_needs_login(
                session=session,
                submission_id=data.submission_id,
                target=data.connector_id,
                message=data.message,
            )

    @activity.defn(name="mark_delivery_withdrawn")
    def mark_withdrawn(self, data: MarkRunningInput) -> None:
        with session_scope(self._engine) as session:
            if mark_delivery_withdrawn(
                session=session, submission_id=data.submission_id, target=data.connector_id
            ):
                log.info("delivery %s:%s withdrawn", data.submission_id, data.connector_id)

    @activity.defn(name="mark_delivery_waiting")
    def mark_waiting(self, data: MarkWaitingInput) -> None:
        with session_scope(self._engine) as session:
            mark_delivery_waiting(
                session=session,
                submission_id=data.submission_id,
                target=data.connector_id,
                status=data.status,
                message=data.message,
            )

    @activity.defn(name="record_human_answer")
    def record_human_answer(self, data: HumanAnswer) -> None:
        """Her answer to a robot's question, kept encrypted for the robot waiting on it."""
        with session_scope(self._engine) as session:
            try:
                answer_human_task(
                    session=session,
                    cipher=self._cipher,
                    task_id=data.task_id,
                    answer=data.answer,
                    by=data.answered_by,
                )
            except HubError as exc:
                raise to_application_error(exc) from None

    @activity.defn(name="record_delivery_result")
    def record_result(self, data: RecordInput) -> None:
        self._record(data)

    def _record(self, data: RecordInput) -> None:
        """The delivery's outcome in the store (once: a rerun changes nothing, alerts no one)."""
        connector = self._connectors[data.connector_id]
        outcome = data.outcome
        word = "已修改" if outcome.amended else _OUTCOME_WORDS[outcome.status]
        with session_scope(self._engine) as session:
            if connector.manifest.auth == "sso":
                # Her delegated token has done its work (or never will): it goes with the outcome.
                drop_delegated_tokens(
                    session=session,
                    submission_id=data.submission_id,
                    connector_id=data.connector_id,
                )
            recorded = record_delivery_result(
                session=session,
                submission_id=data.submission_id,
                target=data.connector_id,
                summary=f"{data.form_title} → {connector.manifest.name}：{word}",
                result=DeliveryResult(
                    status=outcome.status,
                    receipt_no=outcome.receipt_no,
                    evidence_id=outcome.evidence_id,
                    message=outcome.message,
                    error_type=outcome.error_type,
                ),
            )
        # After the commit, and only the first time: a rerun of this activity alerts no one twice.
        # Ids and the error type only: the message is the worker's, and IT reads the ops page.
        if recorded and outcome.status == "failed" and outcome.error_type in NEEDS_IT:
            log.error(
                "delivery %s:%s needs IT: %s (%s)",
                data.submission_id,
                data.connector_id,
                outcome.error_type,
                connector.manifest.name,
            )

    @activity.defn(name="record_decision")
    def record_decision(self, data: RecordDecisionInput) -> None:
        connector = self._connectors[data.connector_id]
        decision = data.decision
        with session_scope(self._engine) as session:
            record_delivery_decision(
                session=session,
                submission_id=data.submission_id,
                target=data.connector_id,
                title=f"{data.form_title} → {connector.manifest.name}",
                decision=DeliveryDecision(
                    result=decision.result,
                    amount=Decimal(decision.amount) if decision.amount else None,
                    amount_per=decision.amount_per if decision.amount else None,
                    starts_on=_day(decision.starts_on),
                    decided_on=_day(decision.decided_on),
                    reason=decision.reason,
                ),
            )

    @activity.defn(name="deliver")
    async def deliver(self, data: DeliverInput) -> DeliverOutput:
        connector = self._connectors[data.connector_id]
        application = await asyncio.to_thread(
            self._start_attempt, data.submission_id, data.connector_id
        )
        ctx, access, attempt = self._context(
            data.submission_id, data.connector_id, connector, "deliver"
        )
        try:
            receipt: Receipt = await self._guarded(ctx, connector.deliver(ctx, application), access)
        except ApplicationError as err:
            raise _with_jitter(err, connector.manifest.retry, activity.info().attempt) from None
        except asyncio.CancelledError:
            # Withdrawn while filing: if the target already gave a receipt, it has the
            # application, and the delivery says so rather than "withdrawn".
            filed = _heartbeated_receipt(attempt.last_details)
            if filed is None:
                raise
            log.info("delivery %s: withdrawn after filing", ctx.idempotency_key)
            return DeliverOutput(status="succeeded", receipt_no=filed)
        return await self._recorded(data, DeliverOutput(
            status="succeeded",
            receipt_no=receipt.receipt_no,
            existing=receipt.existing,
            evidence_id=ctx.evidence_ids[-1] if ctx.evidence_ids else None,
        ))  # fmt: skip

    @activity.defn(name="amend")
    async def amend(self, data: AmendInput) -> DeliverOutput:
        """An amendment (修改后重新报送): the target corrects what it filed under the receipt."""
        connector = self._connectors[data.connector_id]
        if not isinstance(connector, Amends):
            raise to_application_error(ConfigurationError(f"{data.connector_id}: cannot amend"))
        application = await asyncio.to_thread(
            self._start_attempt, data.submission_id, data.connector_id
        )
        ctx, access, _ = self._context(data.submission_id, data.connector_id, connector, "amend")
        try:
            receipt: Receipt = await self._guarded(
                ctx, connector.amend(ctx, application, data.receipt_no), access
            )
        except ApplicationError as err:
            raise _with_jitter(err, connector.manifest.retry, activity.info().attempt) from None
        return await self._recorded(data, DeliverOutput(
            status="succeeded",
            receipt_no=receipt.receipt_no,
            amended=True,
            evidence_id=ctx.evidence_ids[-1] if ctx.evidence_ids else None,
        ))  # fmt: skip

    @activity.defn(name="check_decision")
    async def check_decision(self, data: CheckDecisionInput) -> DecisionOutput:
        """The target's review decision; fails (benign, retried with backoff) while pending."""
        connector = self._connectors[data.connector_id]
        if not isinstance(connector, TracksDecisions):
            raise to_application_error(ConfigurationError(f"{data.connector_id}: no decisions"))
        application = await asyncio.to_thread(
            self._load_application, data.submission_id, data.connector_id
        )
        ctx, access, _ = self._context(
            data.submission_id, data.connector_id, connector, "check_decision"
        )
        decision = await self._guarded(
            ctx, connector.check_decision(ctx, application, data.receipt_no), access
        )
        if decision is None:
            raise ApplicationError(
                "目标系统尚未审核",
                type="DecisionPending",
                category=ApplicationErrorCategory.BENIGN,  # expected: logged at debug only
            )
        return DecisionOutput(
            result=decision.result,
            decided_on=decision.decided_on.isoformat(),
            amount=None if decision.amount is None else str(decision.amount),
            amount_per=decision.amount_per,
            starts_on=None if decision.starts_on is None else decision.starts_on.isoformat(),
            reason=decision.reason,
        )

    @activity.defn(name="verify_credentials")
    async def verify_credentials(self, data: VerifyCredentialsInput) -> VerifyCredentialsOutput:
        """A binding's real test login on the connector's queue; refused: CredentialsRejected."""
        connector = self._connectors[data.connector_id]
        if not isinstance(connector, ChecksLogin) or connector.manifest.auth != "vault":
            raise to_application_error(ConfigurationError(f"{data.connector_id}: no check_login"))
        access = self._access(connector, "verify", credential_id=data.credential_id)
        ctx = DeliveryContext(
            idempotency_key=f"credential-check:{data.credential_id}",
            config=self._configs.get(data.connector_id, {}),
            heartbeat=activity.heartbeat,
            save_evidence=_no_evidence,
            browsers=self._browsers if connector.manifest.kind == "robot" else None,
            credentials=access,
        )
        await self._guarded(ctx, connector.check_login(ctx), access)
        return VerifyCredentialsOutput()

    @activity.defn(name="settle_credential_check")
    def settle_credential_check(self, data: SettleCredentialInput) -> None:
        """Keep a credential whose test login worked (replacing the old one); drop a refused one."""
        with session_scope(self._engine) as session:
            settle_check(
                session=session,
                cipher=self._cipher,
                credential_id=data.credential_id,
                verified=data.verified,
            )

    def _context(
        self, submission_id: str, connector_id: str, connector: Connector, use: str
    ) -> tuple[DeliveryContext, CredentialAccess | SsoTokenAccess | None, HumanAsker]:
        details = activity.info().heartbeat_details
        access: CredentialAccess | SsoTokenAccess | None = None
        if connector.manifest.auth == "vault":
            access = self._access(connector, use, submission_id=submission_id)
        elif connector.manifest.auth == "sso":
            access = SsoTokenAccess(
                engine=self._engine,
                vault=self._vault,
                cipher=self._cipher,
                connector_id=connector.manifest.id,
                system_name=connector.manifest.name,
                activity=use,
                submission_id=submission_id,
            )
        # Her answers to the target's questions (a CAPTCHA): asked through the portal.
        asker = HumanAsker(
            engine=self._engine,
            cipher=self._cipher,
            submission_id=submission_id,
            manifest=connector.manifest,
            # A local activity has no heartbeats to send (the worker heartbeats its workflow
            # task): its details stay with the attempt, in the asker.
            heartbeat=_no_heartbeat if activity.info().is_local else activity.heartbeat,
        )
        ctx = DeliveryContext(
            idempotency_key=f"{submission_id}:{connector_id}",
            config=self._configs.get(connector_id, {}),
            heartbeat=asker.heartbeat,
            save_evidence=self._evidence_saver(submission_id, connector_id),
            browsers=self._delivery_browsers(connector),
            previous=details[0] if details and isinstance(details[0], dict) else {},
            ask_human=asker,
        )
        if isinstance(access, CredentialAccess):
            ctx.credentials = access
            ctx.login_state = access.saved_login
            ctx.keep_login_state = access.keep_login
        elif isinstance(access, SsoTokenAccess):
            ctx.sso_token = access
        return ctx, access, asker

    def _delivery_browsers(self, connector: Connector) -> DeliveryBrowsers | None:
        if connector.manifest.kind != "robot" or self._browsers is None:
            return None
        return DeliveryBrowsers(self._browsers)  # traces each context, kept if it fails

    def _access(self, connector: Connector, use: str, **lookup: str) -> CredentialAccess:
        """lookup: submission_id (her verified account) or credential_id (a test login)."""
        manifest = connector.manifest
        return CredentialAccess(
            engine=self._engine,
            vault=self._vault,
            cipher=self._cipher,
            connector_id=manifest.id,
            system_name=manifest.name,
            activity=use,
            **lookup,
        )

    async def _guarded(
        self,
        ctx: DeliveryContext,
        call: Awaitable[T],
        access: CredentialAccess | SsoTokenAccess | None,
    ) -> T:
        """Await a connector call, translating its failures for the workflow's retry policy; a
        robot's browser trace of a failed call is kept, scrubbed, as evidence for IT."""
        try:
            return await self._translated(ctx, call, access)
        except ApplicationError:
            await self._keep_failure_traces(ctx, access)
            raise

    async def _translated(
        self,
        ctx: DeliveryContext,
        call: Awaitable[T],
        access: CredentialAccess | SsoTokenAccess | None,
    ) -> T:
        try:
            return await call
        except CredentialsRejected as exc:
            log.warning("delivery %s: login refused: %s", ctx.idempotency_key, exc.detail)
            if isinstance(access, CredentialAccess) and await access.refused():
                exc = CredentialsRejected(exc.detail, user_message=access.refusal_message)
            raise to_application_error(exc) from None
        except SsoLoginRequired as exc:
            log.info("delivery %s: she must log in again: %s", ctx.idempotency_key, exc.detail)
            if isinstance(access, SsoTokenAccess):
                await access.refused()
                exc = SsoLoginRequired(exc.detail, user_message=access.relogin_message)
            raise to_application_error(exc) from None
        except HubError as exc:
            log.warning("delivery %s failed: %s", ctx.idempotency_key, exc.detail)
            raise to_application_error(exc) from None
        except PlaywrightError as exc:
            # First line only: Playwright's call logs can quote page text (names) further down.
            first_line = exc.message.splitlines()[0][:160] if exc.message else ""
            log.warning("delivery %s: browser error: %s", ctx.idempotency_key, first_line)
            raise to_application_error(_classify_browser_error(exc)) from None

    async def _keep_failure_traces(
        self, ctx: DeliveryContext, access: CredentialAccess | SsoTokenAccess | None
    ) -> None:
        """Store each failed context's trace, with what the robot was handed scrubbed out.

        Encrypted at rest like every piece of evidence, and referenced by id in the log line
        IT reads; never passed through Temporal. Keeping it must not hide the failure itself.
        """
        if not isinstance(ctx.browsers, DeliveryBrowsers) or not ctx.browsers.traces:
            return
        secrets = access.secrets_read() if access is not None else []
        for trace in ctx.browsers.traces:
            try:
                evidence_id = await ctx.save_evidence(scrub_trace(trace, secrets), TRACE_TYPE)
            except Exception as exc:  # noqa: BLE001  (a trace is a help, not the outcome)
                log.warning(
                    "delivery %s: trace not kept: %s", ctx.idempotency_key, type(exc).__name__
                )
                continue
            log.warning(
                "delivery %s: failure trace kept as evidence %s", ctx.idempotency_key, evidence_id
            )
        ctx.browsers.traces.clear()

    async def _recorded(
        self, data: DeliverInput | AmendInput, outcome: DeliverOutput
    ) -> DeliverOutput:
        """Its success written back here, where the workflow would write it next (one activity
        and one workflow task fewer per delivery); not for deliveries started before form_title
        was passed, whose workflows record it themselves."""
        if data.form_title is None:
            return outcome
        record = RecordInput(
            submission_id=data.submission_id,
            connector_id=data.connector_id,
            form_title=data.form_title,
            outcome=outcome,
        )
        await asyncio.to_thread(self._record, record)
        return outcome.model_copy(update={"recorded": True})

    def _start_attempt(self, submission_id: str, connector_id: str) -> Application:
        """The application to file, its delivery marked 正在提交 in the same transaction (the
        workflow no longer does, since the patch running-in-activity)."""
        return self._load_application(submission_id, connector_id, mark_running=True)

    def _load_application(
        self, submission_id: str, connector_id: str, *, mark_running: bool = False
    ) -> Application:
        """The submission's application, with the target's fields where its form version maps
        them for this connector (a `[targets.<id>]` table: Application.mapped)."""
        with session_scope(self._engine) as session:
            if mark_running:
                mark_delivery_running(
                    session=session, submission_id=submission_id, target=connector_id
                )
            submission = session.get(Submission, submission_id)
            if submission is None:
                raise to_application_error(HubError(f"submission {submission_id} missing"))
            data = submission_data(cipher=self._cipher, submission=submission)
            template = form_version(session, submission.form_id, submission.form_version)
        manifest = self._connectors[connector_id].manifest
        try:
            mapped = target_fields(template, manifest, data)
        except HubError as exc:  # the mapping cannot make the target's fields: IT must look
            raise to_application_error(ConfigurationError(exc.detail)) from None
        application = Application.from_snapshot(submission.form_id, data)
        return application.model_copy(update={"mapped": mapped})

    def _evidence_saver(
        self, submission_id: str, connector_id: str
    ) -> Callable[[bytes, str], Awaitable[str]]:
        async def save(content: bytes, content_type: str) -> str:
            def write() -> str:
                with session_scope(self._engine) as session:
                    return save_evidence(
                        session=session,
                        cipher=self._cipher,
                        submission_id=submission_id,
                        target=connector_id,
                        content=content,
                        content_type=content_type,
                    )

            return await asyncio.to_thread(write)

        return save


def _no_heartbeat(*details: Any) -> None:
    pass


async def _no_evidence(content: bytes, content_type: str) -> str:
    raise ConfigurationError("a test login keeps no evidence")


def _day(iso: str | None) -> date | None:
    return None if iso is None else date.fromisoformat(iso)


def _heartbeated_receipt(details: tuple[Any, ...]) -> str | None:
    """The receipt this attempt heartbeated right after submitting, if it got that far."""
    if details and isinstance(details[0], dict) and details[0].get("receipt_no"):
        return str(details[0]["receipt_no"])
    return None


def jittered_delay(retry: RetryPolicyDecl, attempt: int, rng: random.Random) -> float:
    """Seconds before the attempt after `attempt`: the connector's exponential backoff, capped,
    then spread over its upper half, so deliveries failed by one outage don't all come back to
    the target in the same second."""
    backoff = min(
        retry.maximum_interval_s, retry.initial_interval_s * retry.backoff ** (attempt - 1)
    )
    return backoff / 2 + rng.uniform(0, backoff / 2)


def _with_jitter(err: ApplicationError, retry: RetryPolicyDecl, attempt: int) -> ApplicationError:
    """A retryable failure with its wait jittered (Temporal's own backoff has no jitter); one
    whose target said when to come back (Retry-After) keeps that wait."""
    if err.non_retryable or err.next_retry_delay is not None:
        return err
    return ApplicationError(
        err.message,
        type=err.type,
        next_retry_delay=timedelta(seconds=jittered_delay(retry, attempt, _RNG)),
    )


_RNG = random.Random()


def _classify_browser_error(exc: PlaywrightError) -> HubError:
    # Network failures mean the target is down (retry); anything else means the page is not
    # what the robot expects (a label vanished, a step hangs): IT must look.
    if "net::ERR_" in exc.message or "Navigation" in exc.message:
        return TargetUnavailable("target unreachable")
    return RobotBroken(f"browser: {type(exc).__name__}")
