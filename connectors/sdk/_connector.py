"""The contract between the hub and one downstream system."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel

from connectors.sdk._manifest import Manifest

if TYPE_CHECKING:
    from connectors.sdk._browser import BrowserPool


class Application(BaseModel):
    """One resident's application in the hub's own terms, in clear. Lives only inside activities."""

    name: str
    id_number: str
    sex: str  # GB/T 2261.1
    birth_date: date
    phone: str
    address: str
    community_code: str
    community_name: str
    allowance_type: str
    bank: str
    bank_account: str
    applied_on: date


class Receipt(BaseModel):
    receipt_no: str
    #: True when the record was already in the target (found by look-up, not filed again).
    existing: bool = False


class Decision(BaseModel):
    """What the target decided after reviewing a filed application (审核结果)."""

    result: Literal["approved", "rejected"]
    decided_on: date
    #: The approved amount in yuan and what it is per, e.g. 100 per 月; None when refused.
    amount: Decimal | None = None
    amount_per: str = "月"
    #: First day (or month, as its first day) the benefit is paid from.
    starts_on: date | None = None
    reason: str | None = None  # the target's own words, shown to the worker


@dataclass
class DeliveryContext:
    """What a delivery gets from the hub. Connectors never read settings themselves."""

    idempotency_key: str  # stable across retries of the same delivery
    config: Mapping[str, str]  # base_url, credentials… from the hub's settings
    heartbeat: Callable[..., None]
    save_evidence: Callable[[bytes, str], Awaitable[str]]  # (content, content type) -> id
    browsers: BrowserPool | None = None  # robots only
    #: What an earlier attempt of this delivery heartbeated, e.g. a receipt read after submit.
    previous: Mapping[str, Any] = field(default_factory=dict)
    evidence_ids: list[str] = field(default_factory=list)


class Connector(Protocol):
    manifest: Manifest

    def map(self, application: Application) -> dict[str, str]:
        """Pure: the hub's application -> the target's field values."""
        ...

    async def deliver(self, ctx: DeliveryContext, application: Application) -> Receipt:
        """File the application exactly once; return the target's receipt."""
        ...


@runtime_checkable
class TracksDecisions(Protocol):
    """A connector whose target reports its review decision, so the hub can bring it back."""

    async def check_decision(
        self, ctx: DeliveryContext, application: Application, receipt_no: str
    ) -> Decision | None:
        """The target's decision on this receipt, or None while it is still under review."""
        ...
