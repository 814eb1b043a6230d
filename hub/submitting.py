"""Submit once: validate, snapshot the application, and start its fan-out workflow."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping

from pydantic_core import to_jsonable_python
from sqlmodel import Session, select
from temporalio.client import Client
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError

from connectors.sdk import Amends, DecisionPollDecl, Manifest
from hub._state import HubState
from hub.clock import beijing_today
from hub.errors import InvalidInput, TargetUnavailable
from hub.forms import (
    FormTemplate,
    check_facts,
    form_version,
    locked_values,
    nested_values,
    offered_form,
    target_fields,
    validate_values,
)
from hub.settings import TemporalSettings
from hub.store import (
    Delivery,
    Resident,
    Submission,
    create_submission,
    get_scoped_resident,
    get_scoped_submission,
    member_facts,
    resident_facts,
    view_submission,
)
from workflows import codec, search
from workflows._hours import OfficeHours
from workflows.models import DecisionPlan, RetryDecl, SubmissionInput, TargetPlan
from workflows.queues import ORCHESTRATION
from workflows.submission import SubmissionWorkflow

#: What a browser's idempotency key may look like (the portal sends 22 URL-safe characters).
CLIENT_KEY_PATTERN = r"^[A-Za-z0-9_-]{8,100}$"


def workflow_id(submission_id: str) -> str:
    # Only the random submission id: no names, ID numbers or community codes in workflow ids.
    return f"submission-{submission_id}"


def create(
    *,
    state: HubState,
    session: Session,
    community: str,
    username: str,
    resident_id: int,
    form_id: str,
    client_key: str,
    answers: Mapping[str, object],
    amends: str | None = None,
) -> tuple[Submission, bool]:
    """amends: the id of an earlier submission this one corrects (修改后重新报送)."""
    form = offered_form(session, form_id)
    if form is None:
        raise InvalidInput(f"unknown form {form_id}", user_message="没有这个表单")
    if not re.fullmatch(CLIENT_KEY_PATTERN, client_key):
        raise InvalidInput("client key", user_message="提交缺少防重复标识，请刷新页面后重试")
    today = beijing_today()
    resident = get_scoped_resident(session=session, resident_id=resident_id, community=community)
    members = member_facts(session=session, cipher=state.cipher, resident=resident)
    values = validate_values(form, nested_values(form, answers), today=today, members=members)
    facts = resident_facts(session=session, cipher=state.cipher, resident=resident)
    check_facts(form, facts, values)
    application = {
        "name": facts.name,
        "id_number": facts.id_number,
        "sex": facts.sex,
        "birth_date": facts.birth_date.isoformat(),
        "community_code": facts.community_code,
        "community_name": facts.community_name,
        # Locked fields come from the store, whatever the browser sent.
        **locked_values(form, facts=facts, today=today),
        **to_jsonable_python(values),
    }
    for target in form.targets:  # a value a target's mapping cannot take is hers to fix, now
        connector = state.connectors.get(target)
        if connector is not None:
            target_fields(form, connector.manifest, application)
    manual: dict[str, str] = {}
    if amends is not None:
        manual = _amendable(state, session, community, resident, form, amends, client_key)
    return create_submission(
        session=session,
        cipher=state.cipher,
        resident=resident,
        form_id=form.id,
        form_version=form.version,
        targets=form.targets,
        data=application,
        client_key=client_key,
        created_by=username,
        amends_id=amends,
        manual=manual,
    )


def _amendable(
    state: HubState,
    session: Session,
    community: str,
    resident: Resident,
    form: FormTemplate,
    amends: str,
    client_key: str,
) -> dict[str, str]:
    """Check that `amends` can be corrected by this submission; the targets that filed it but
    cannot take a correction from the hub, each with what the worker must do there instead."""
    previous = get_scoped_submission(session=session, submission_id=amends, community=community)
    if previous.resident_id != resident.id or previous.form_id != form.id:
        raise InvalidInput("amends another", user_message="只能修改同一居民的同一表单")
    if view_submission(session=session, submission=previous).status == "in_progress":
        raise InvalidInput(
            "amends in progress", user_message="原报送仍在进行中，请等它结束后再修改"
        )
    later = session.exec(
        select(Submission).where(
            Submission.amends_id == previous.id, Submission.client_key != client_key
        )
    ).first()
    if later is not None:
        raise InvalidInput("amended already", user_message="该报送已修改过，请修改最新的一份")
    return {
        target: f"该系统不支持自动修改，请登录该系统按受理编号 {receipt} 手工修改"
        for target, receipt in _filed(session, previous).items()
        if not isinstance(state.connectors.get(target), Amends)
    }


def _filed(session: Session, submission: Submission) -> dict[str, str]:
    """target -> receipt, for the targets that accepted the submission."""
    deliveries = session.exec(select(Delivery).where(Delivery.submission_id == submission.id))
    return {d.target: d.receipt_no for d in deliveries if d.status == "succeeded" and d.receipt_no}


async def start_fan_out(*, state: HubState, submission: Submission) -> None:
    """Start the submission's workflow, once: a second call for the same submission is a no-op."""
    if state.temporal is None:
        raise TargetUnavailable("temporal client not connected")
    with Session(state.engine) as session:  # deliveries already settled (需手工修改) get no robot
        form = form_version(session, submission.form_id, submission.form_version)
        settled = {
            d.target
            for d in session.exec(select(Delivery).where(Delivery.submission_id == submission.id))
            if d.status == "manual"
        }
    targets = [t for t in submission.targets.split(",") if t not in settled]
    # A finished workflow is not started again: delivering twice is what we must never do.
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await state.temporal.start_workflow(
            SubmissionWorkflow.run,
            workflow_input(state, form, submission, targets),
            id=workflow_id(submission.id),
            task_queue=ORCHESTRATION,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            search_attributes=search_attributes(submission),
        )


def search_attributes(submission: Submission) -> TypedSearchAttributes:
    """What operators filter by in the Temporal UI: codes, never who it is for."""
    return TypedSearchAttributes(
        [
            SearchAttributePair(search.COMMUNITY, submission.community_code),
            SearchAttributePair(search.FORM, submission.form_id),
            SearchAttributePair(search.TARGETS, submission.targets.split(",")),
        ]
    )


def workflow_input(
    state: HubState, form: FormTemplate, submission: Submission, targets: list[str]
) -> SubmissionInput:
    plans = []
    amending: dict[str, str] = {}
    if submission.amends_id is not None:  # a correction: what the earlier one filed, by target
        with Session(state.engine) as session:
            previous = session.get(Submission, submission.amends_id)
            amending = _filed(session, previous) if previous is not None else {}
    for target in targets:
        connector = state.connectors[target]
        manifest = connector.manifest
        plans.append(
            TargetPlan(
                connector_id=target,
                start_to_close_timeout_s=manifest.start_to_close_timeout_s,
                heartbeat_timeout_s=manifest.heartbeat_timeout_s,
                retry=RetryDecl(**manifest.retry.model_dump()),
                # The earlier submission's delivery keeps asking for the decision on that receipt.
                decisions=None if target in amending else _decision_plan(state, manifest.decisions),
                amends_receipt=amending.get(target) if isinstance(connector, Amends) else None,
                office_hours=(
                    OfficeHours(**manifest.office_hours.model_dump())
                    if manifest.office_hours
                    else None
                ),
                local=files_locally(manifest),
            )
        )
    return SubmissionInput(
        children=True,
        submission_id=submission.id,
        form_title=form.title,
        targets=plans,
        community_code=submission.community_code,
        form_id=submission.form_id,
    )


#: The longest call a delivery makes as a local activity: its workflow task stays open while it
#: runs (the worker heartbeats it), so only calls that end within this go that way.
LOCAL_CALL_MAX_S = 60


def files_locally(manifest: Manifest) -> bool:
    """Whether this target's deliveries file as local activities (TargetPlan.local).

    An API call that ends within LOCAL_CALL_MAX_S and has no rate limit to keep: a local activity
    skips the server's activity task and the workflow task that takes its result (a quarter of
    the server's work per delivery), where an activity task offers nothing such a call needs.
    Robots stay activities (they heartbeat each step and their withdrawal rides on it), and so
    do rate-limited targets: the server keeps a queue's rate limit across every worker for
    activity tasks only. Safe retry is the connector's either way (look-up, idempotency key).
    """
    return (
        manifest.kind == "api"
        and manifest.rate_limit_per_minute is None
        and manifest.start_to_close_timeout_s <= LOCAL_CALL_MAX_S
    )


def _decision_plan(state: HubState, declared: DecisionPollDecl | None) -> DecisionPlan | None:
    if declared is None:
        return None
    overrides = state.settings.decisions
    return DecisionPlan(
        first_check_s=overrides.first_check_s or declared.first_check_s,
        maximum_interval_s=overrides.maximum_interval_s or declared.maximum_interval_s,
        give_up_after_s=declared.give_up_after_days * 86400,
    )


async def connect_temporal(settings: TemporalSettings) -> Client:
    """The hub's client: payloads it sends are encrypted, and those it reads decrypted."""
    return await Client.connect(
        settings.address,
        namespace=settings.namespace,
        data_converter=codec.data_converter(settings.codec_keys, settings.codec_current_key),
    )
