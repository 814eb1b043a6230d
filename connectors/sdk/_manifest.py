"""What a connector declares about itself: identity, kind, auth, hosts, fields, limits, retries."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator


class FieldDecl(BaseModel):
    name: str
    label: str
    required: bool = True
    kind: Literal["text", "date", "code", "number"] = "text"


class RetryPolicyDecl(BaseModel):
    initial_interval_s: float = 2.0
    backoff: float = 2.0
    maximum_interval_s: float = 60.0
    maximum_attempts: int = 8


class DecisionPollDecl(BaseModel):
    """How often the hub asks the target for its review decision, and for how long.

    Checks back off from the first interval to the maximum; after give_up_after_days the
    delivery is marked as having no decision and the worker is told to check by hand.
    """

    first_check_s: float = 600.0
    maximum_interval_s: float = 6 * 3600.0
    give_up_after_days: float = 90.0


class OfficeHoursDecl(BaseModel):
    """When the target accepts filings, China time; outside them deliveries wait (and say so:
    workflows/delivery.py)."""

    #: ISO weekdays it works, 1 = Monday.
    days: list[int] = [1, 2, 3, 4, 5]
    start: str = "08:30"  # HH:MM
    end: str = "17:30"


class Manifest(BaseModel):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{2,40}$")
    name: str  # Chinese name shown to workers
    version: str
    kind: Literal["robot", "api"]
    auth: Literal["sso", "vault", "api_key"]
    allowed_hosts: list[str]
    business_type: str
    fields: list[FieldDecl]
    concurrency: int = 1
    #: At most this many activities a minute on this target's queue, across every worker (the
    #: Temporal server keeps it). None: no limit but concurrency.
    rate_limit_per_minute: int | None = None
    #: None: the target is open around the clock.
    office_hours: OfficeHoursDecl | None = None
    #: How long a robot waits, page open, for the worker to answer its question (ctx.ask_human);
    #: then the delivery fails (on_human_timeout="fail") or is tried again later ("retry").
    human_wait_s: float = 120.0
    on_human_timeout: Literal["fail", "retry"] = "fail"
    start_to_close_timeout_s: float = 180.0
    heartbeat_timeout_s: float = 60.0
    retry: RetryPolicyDecl = RetryPolicyDecl()
    #: Set when the connector implements check_decision (the target reports review results).
    decisions: DecisionPollDecl | None = None

    @model_validator(mode="after")
    def _room_to_ask(self) -> Manifest:
        if self.kind == "robot" and self.human_wait_s >= self.start_to_close_timeout_s:
            raise ValueError(
                "human_wait_s must be shorter than start_to_close_timeout_s: the robot waits for "
                "the answer inside one attempt"
            )
        return self
