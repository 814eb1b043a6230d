"""The contract between the hub and one downstream system."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, Field

from connectors.sdk._manifest import Manifest
from hub.errors import ConfigurationError, HumanNeeded

if TYPE_CHECKING:
    from connectors.sdk._browser import BrowserPool


#: The resident facts every application carries as typed fields; the rest are form answers.
_COMMON = (
    "name",
    "id_number",
    "sex",
    "birth_date",
    "phone",
    "address",
    "community_code",
    "community_name",
    "applied_on",
)


class Application(BaseModel):
    """One resident's application in the hub's own terms, in clear. Lives only inside activities.

    The resident's facts are typed fields; what only this form asks (the allowance type and bank
    account of 高龄津贴, the household size and income of 低保…) is in ``answers``, as text.
    """

    form_id: str
    name: str
    id_number: str
    sex: str  # GB/T 2261.1
    birth_date: date
    community_code: str
    community_name: str
    # Every bundled form asks for these; a form that does not leaves them blank, and its day
    # of application is the day it is filed.
    phone: str = ""
    address: str = ""
    applied_on: date = Field(default_factory=date.today)
    answers: dict[str, str] = {}
    #: The target's fields as the form template's mapping for this connector made them (a
    #: `[targets.<connector_id>]` table, docs/forms.md); None: the connector maps it itself.
    mapped: dict[str, str] | None = None

    def fields(self, own: Callable[[Application], dict[str, str]]) -> dict[str, str]:
        """The target's fields: the template's mapping if it has one for this target, else the
        connector's own (`own`, its `_mapping.to_target`). A connector's `map` returns this."""
        return dict(self.mapped) if self.mapped is not None else own(self)

    def answer(self, name: str) -> str:
        """One form answer; a connector asking for one its form does not have is misconfigured."""
        try:
            return self.answers[name]
        except KeyError:
            raise ConfigurationError(f"form {self.form_id} has no answer {name!r}") from None

    @classmethod
    def from_snapshot(cls, form_id: str, data: Mapping[str, Any]) -> Application:
        """From a submission's stored snapshot: one flat mapping of field name to value."""
        common = {key: data[key] for key in _COMMON if key in data}
        answers = {key: _text(value) for key, value in data.items() if key not in _COMMON}
        return cls(form_id=form_id, answers=answers, **common)


def _text(value: object) -> str:
    """An answer as text: a repeating group's items (family members…) as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


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


@dataclass(frozen=True)
class Credentials:
    """The submitting worker's own account at the target, read from the hub's vault.

    Fill it into the login form and forget it: never log, heartbeat, return or raise it. The
    password is left out of repr() so that a stray log line or traceback cannot show it.
    """

    login_name: str
    password: str = field(repr=False)


async def _no_vault() -> Credentials:
    raise ConfigurationError("this connector's manifest does not declare auth='vault'")


@dataclass(frozen=True)
class HumanQuestion:
    """Something only a person can answer for the robot: an image CAPTCHA, an SMS code, a
    confirmation. The worker who submitted sees it in the portal (the image too) and answers."""

    kind: Literal["captcha", "sms_code", "confirm"]
    prompt: str  # Chinese, e.g. 请输入图中的验证码
    image: bytes | None = field(default=None, repr=False)  # PNG/JPEG, for a CAPTCHA


async def _no_human(question: HumanQuestion) -> str:
    raise HumanNeeded(f"{question.kind}: no one to ask in this context")


async def _no_login_state() -> dict[str, Any] | None:
    return None


async def _forget_login_state(state: dict[str, Any]) -> None:
    return None


async def _no_sso() -> str:
    raise ConfigurationError("this connector's manifest does not declare auth='sso'")


@dataclass
class DeliveryContext:
    """What a delivery gets from the hub. Connectors never read settings themselves."""

    idempotency_key: str  # stable across retries of the same delivery
    config: Mapping[str, str]  # base_url, API keys… from the hub's settings
    heartbeat: Callable[..., None]
    save_evidence: Callable[[bytes, str], Awaitable[str]]  # (content, content type) -> id
    browsers: BrowserPool | None = None  # robots only
    #: What an earlier attempt of this delivery heartbeated, e.g. a receipt read after submit.
    previous: Mapping[str, Any] = field(default_factory=dict)
    evidence_ids: list[str] = field(default_factory=list)
    #: auth="vault" only: `await ctx.credentials()` reads the submitting worker's account at this
    #: target from the vault, at that moment and inside this activity, and records the use. It
    #: raises CredentialsRejected (with a message telling her to bind one) when she has none.
    credentials: Callable[[], Awaitable[Credentials]] = _no_vault
    #: auth="sso" only: `await ctx.sso_token()` is an access token for this target that acts as
    #: the submitting worker. Keycloak issued it to the hub by exchanging her own token while
    #: she submitted (standard token exchange), and the hub keeps it encrypted until this
    #: activity reads it. It lives minutes: when it has expired, or the target refuses it, raise
    #: (or let through) SsoLoginRequired, and the hub asks her to log in again. Send it in an
    #: Authorization header; never log, heartbeat, return or store it.
    sso_token: Callable[[], Awaitable[str]] = _no_sso
    #: `await ctx.ask_human(HumanQuestion(...))` asks the submitting worker (a CAPTCHA, an SMS
    #: code) and returns her answer, the robot's page kept open meanwhile. Where nobody can be
    #: asked it raises HumanNeeded, which the hub shows her as needing a person.
    ask_human: Callable[[HumanQuestion], Awaitable[str]] = _no_human
    #: auth="vault" robots: the browser state (cookies) of the worker's last login at this
    #: target, to open the context with (`storage_state=`), so a robot logs in once and not
    #: for every delivery. None when there is none; if the target sends the robot to its login
    #: page anyway (the session expired), log in and keep the new state with
    #: `await ctx.keep_login_state(await context.storage_state())`. Kept sealed in the vault,
    #: per account; using it counts as a use of her account.
    login_state: Callable[[], Awaitable[dict[str, Any] | None]] = _no_login_state
    keep_login_state: Callable[[dict[str, Any]], Awaitable[None]] = _forget_login_state


class Connector(Protocol):
    manifest: Manifest

    def map(self, application: Application) -> dict[str, str]:
        """Pure: the hub's application -> the target's field values."""
        ...

    async def deliver(self, ctx: DeliveryContext, application: Application) -> Receipt:
        """File the application exactly once; return the target's receipt."""
        ...


@runtime_checkable
class ChecksLogin(Protocol):
    """A connector whose target has per-worker logins (auth="vault"): binding an account in the
    portal runs this real test login before the account is kept."""

    async def check_login(self, ctx: DeliveryContext) -> None:
        """Log in with `await ctx.credentials()`; CredentialsRejected if the target refuses."""
        ...


@runtime_checkable
class TracksDecisions(Protocol):
    """A connector whose target reports its review decision, so the hub can bring it back."""

    async def check_decision(
        self, ctx: DeliveryContext, application: Application, receipt_no: str
    ) -> Decision | None:
        """The target's decision on this receipt, or None while it is still under review."""
        ...


@runtime_checkable
class Amends(Protocol):
    """A connector whose target lets a filed application be corrected: an amended submission
    (修改后重新报送) goes to it as an amendment of the receipt it filed, not as a new filing.
    Targets without it are told to the worker as 需到该系统手工修改."""

    async def amend(
        self, ctx: DeliveryContext, application: Application, receipt_no: str
    ) -> Receipt:
        """Replace what was filed under `receipt_no` with `application`; the same receipt (or the
        target's new one) back. BusinessRejection with the target's words if it refuses (e.g.
        already reviewed)."""
        ...
