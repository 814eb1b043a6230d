"""Robots acting as the worker at systems that trust Keycloak (connectors with auth="sso").

While she submits, her portal session is live: the hub trades her access token for one whose only
audience is the target system (Keycloak standard token exchange) and keeps it sealed in the vault
for that delivery (hub.store: DelegatedToken). The token lives minutes. When a delivery runs
after it has expired (an outage, a queue), the workflow marks the delivery 等待重新登录 and waits;
she opens the submission in the portal, logging in again if her session has ended, and presses
继续报送: the hub exchanges her fresh token and signals the workflow to go on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection

from sqlmodel import Session

from hub._state import HubState
from hub.connector_config import connector_configs
from hub.errors import ConfigurationError, HubError, TargetUnavailable
from hub.store import Submission, keep_delegated_token
from hub.submitting import workflow_id
from workflows.submission import SubmissionWorkflow

log = logging.getLogger(__name__)


def sso_targets(state: HubState, submission: Submission) -> list[str]:
    """The submission's targets whose robot acts as her through single sign-on."""
    return [
        target
        for target in submission.targets.split(",")
        if target in state.connectors and state.connectors[target].manifest.auth == "sso"
    ]


async def delegate(
    *,
    state: HubState,
    session: Session,
    submission: Submission,
    subject_token: str | None,
    targets: Collection[str] | None = None,
) -> list[str]:
    """Exchange her token for every SSO target of the submission (of `targets`, if given: those
    delivered again) and keep each result.

    Returns the targets left without a token (Keycloak down or refusing): their deliveries ask
    her to log in again when they run, so the submission itself never fails for this.
    """
    missing = []
    for target in sso_targets(state, submission):
        if targets is not None and target not in targets:
            continue
        try:
            await _exchange_and_keep(state, session, submission, target, subject_token)
        except HubError as exc:
            log.warning("submission %s: no token for %s: %s", submission.id, target, exc.detail)
            missing.append(target)
    return missing


async def renew(
    *,
    state: HubState,
    session: Session,
    submission: Submission,
    target: str,
    subject_token: str | None,
) -> None:
    """She logged in again: a fresh token for one waiting delivery, then the workflow goes on.

    Raises CredentialsRejected when Keycloak refuses her token (her session has ended: she must
    log in), TargetUnavailable when Keycloak or Temporal cannot be reached.
    """
    await _exchange_and_keep(state, session, submission, target, subject_token)
    session.commit()  # the token is there before the delivery can look for it
    if state.temporal is None:
        raise TargetUnavailable("temporal client not connected")
    handle = state.temporal.get_workflow_handle(workflow_id(submission.id))
    await handle.signal(SubmissionWorkflow.sso_renewed, target)


async def _exchange_and_keep(
    state: HubState,
    session: Session,
    submission: Submission,
    target: str,
    subject_token: str | None,
) -> None:
    if subject_token is None:
        raise TargetUnavailable("no access token in this session")
    audience = connector_configs(state.settings).get(target, {}).get("sso_audience")
    if not audience:
        raise ConfigurationError(f"{target}: no sso_audience in the connector configuration")
    exchanged = await asyncio.to_thread(state.oidc.exchange, subject_token, audience)
    keep_delegated_token(
        session=session,
        vault=state.vault,
        submission_id=submission.id,
        connector_id=target,
        owner=submission.created_by,
        token=exchanged.access_token,
        expires_at=exchanged.expires_at,
    )
