"""Workflow and activity inputs and outputs. They carry ids and statuses, never personal data or
secrets: the activities read the application from the encrypted store by submission id, and a
worker's account at a target from the vault."""

from __future__ import annotations

from pydantic import BaseModel

from workflows._hours import OfficeHours


class RetryDecl(BaseModel):
    initial_interval_s: float
    backoff: float
    maximum_interval_s: float
    maximum_attempts: int


class DecisionPlan(BaseModel):
    """How to wait for a target's review decision after it accepted the application."""

    first_check_s: float
    maximum_interval_s: float
    give_up_after_s: float


class TargetPlan(BaseModel):
    connector_id: str
    start_to_close_timeout_s: float
    heartbeat_timeout_s: float
    retry: RetryDecl
    decisions: DecisionPlan | None = None  # None: the target never reports a decision
    #: auth="sso" targets: how long a delivery whose token expired waits for her to log in again.
    relogin_wait_s: float = 3 * 86400.0
    #: When the target takes filings (China time); None: around the clock.
    office_hours: OfficeHours | None = None
    #: An amendment (修改后重新报送): the receipt the target gave the submission this one
    #: corrects; its connector amends that filing instead of filing anew.
    amends_receipt: str | None = None
    #: File (or amend) as a local activity, in the worker running the delivery, instead of an
    #: activity task through the server: for short API calls with no server-kept rate limit
    #: (hub.submitting.files_locally). Absent (False) in workflows started before v6.
    local: bool = False


class SubmissionInput(BaseModel):
    submission_id: str
    form_title: str
    targets: list[TargetPlan]
    # For operators' searches (search attributes): codes, never personal data. Absent in
    # workflows started before they were set.
    community_code: str | None = None
    form_id: str | None = None
    #: Each target's delivery runs in a child workflow. Set by whatever starts a submission
    #: since v5; absent from older inputs, whose workflows ask the patch child-per-target (a
    #: patch costs a marker and a search-attribute write per run: the fan-out's hot path).
    children: bool = False


class DeliveryInput(BaseModel):
    """One target's delivery of a submission (the DeliveryWorkflow's input)."""

    submission_id: str
    form_title: str
    target: TargetPlan
    #: Started by its parent with DeliveryStatus "running", its attempts marked 正在提交 by the
    #: deliver activity (since v5; absent from older inputs, whose deliveries ask the patch
    #: running-in-activity and set the status themselves).
    started_running: bool = False


class DeliverInput(BaseModel):
    submission_id: str
    connector_id: str
    #: Set (by deliveries started since it was added): the activity records its own success in
    #: the store, as record_delivery_result would, and says so (DeliverOutput.recorded).
    form_title: str | None = None


class AmendInput(BaseModel):
    submission_id: str
    connector_id: str
    receipt_no: str  # what the target filed for the submission being corrected
    form_title: str | None = None  # as DeliverInput's


class DeliverOutput(BaseModel):
    status: str  # succeeded | rejected | failed
    receipt_no: str | None = None
    existing: bool = False
    amended: bool = False  # an earlier filing corrected, not a new one
    evidence_id: str | None = None
    message: str | None = None
    #: Why it failed: the last error's class name (RobotBroken, TargetUnavailable, …); None when
    #: it did not fail, or its last attempt timed out.
    error_type: str | None = None
    #: The activity has already written this outcome to the store: no record_delivery_result.
    recorded: bool = False


class RecordInput(BaseModel):
    submission_id: str
    connector_id: str
    form_title: str
    outcome: DeliverOutput


class CheckDecisionInput(BaseModel):
    submission_id: str
    connector_id: str
    receipt_no: str


class DecisionOutput(BaseModel):
    """approved | rejected as the target decided; unknown when it never said within the wait."""

    result: str
    decided_on: str | None = None  # ISO date
    amount: str | None = None  # decimal yuan, as text so no float rounding creeps in
    amount_per: str = "月"
    starts_on: str | None = None  # ISO date
    reason: str | None = None


class RecordDecisionInput(BaseModel):
    submission_id: str
    connector_id: str
    form_title: str
    decision: DecisionOutput


class MarkRunningInput(BaseModel):
    submission_id: str
    connector_id: str


class HumanAnswer(BaseModel):
    """Her answer to a robot's question (the delivery workflow's update `answer_human`)."""

    task_id: str
    answer: str  # a CAPTCHA or SMS code: never personal data
    answered_by: str  # her username


class MarkWaitingInput(BaseModel):
    submission_id: str
    connector_id: str
    status: str  # waiting_hours | needs_login | needs_human
    message: str  # Chinese, for the worker; no personal data


class MarkNeedsLoginInput(BaseModel):
    submission_id: str
    connector_id: str
    message: str  # Chinese, for the worker; no personal data


class SubmissionOutput(BaseModel):
    submission_id: str
    outcomes: dict[str, DeliverOutput]


class CredentialCheckInput(BaseModel):
    """A worker's newly bound account, to be tried by a real test login. Only ids: the login name
    and password stay in the vault until the activity on the connector's queue reads them."""

    credential_id: str
    connector_id: str
    start_to_close_timeout_s: float
    heartbeat_timeout_s: float


class CredentialCheckOutput(BaseModel):
    result: str  # verified | rejected (deleted) | failed (could not try it; left pending)
    message: str  # Chinese, for the worker


class VerifyCredentialsInput(BaseModel):
    credential_id: str
    connector_id: str


class VerifyCredentialsOutput(BaseModel):
    verified: bool = True  # a refusal is an error (CredentialsRejected), not an output


class SettleCredentialInput(BaseModel):
    credential_id: str
    verified: bool
