"""Workflow and activity inputs and outputs. They carry ids and statuses, never personal data:
the activities read the application from the encrypted store by submission id."""

from __future__ import annotations

from pydantic import BaseModel


class RetryDecl(BaseModel):
    initial_interval_s: float
    backoff: float
    maximum_interval_s: float
    maximum_attempts: int


class TargetPlan(BaseModel):
    connector_id: str
    start_to_close_timeout_s: float
    heartbeat_timeout_s: float
    retry: RetryDecl


class SubmissionInput(BaseModel):
    submission_id: str
    form_title: str
    targets: list[TargetPlan]


class DeliverInput(BaseModel):
    submission_id: str
    connector_id: str


class DeliverOutput(BaseModel):
    status: str  # succeeded | rejected | failed
    receipt_no: str | None = None
    existing: bool = False
    evidence_id: str | None = None
    message: str | None = None


class RecordInput(BaseModel):
    submission_id: str
    connector_id: str
    form_title: str
    outcome: DeliverOutput


class MarkRunningInput(BaseModel):
    submission_id: str
    connector_id: str


class SubmissionOutput(BaseModel):
    submission_id: str
    outcomes: dict[str, DeliverOutput]
