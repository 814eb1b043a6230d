"""What the JSON-API simulators share: the X-API-Key guard, the per-key rate limit, filing a
POST under an Idempotency-Key, their error bodies, and the /records and /_sim/ pages."""

# No `from __future__ import annotations`: FastAPI evaluates route signatures at run time, and
# these name dependencies that exist only inside the factories.

import secrets
from collections.abc import Callable, Mapping
from typing import Annotated, Protocol

import jinja2
from fastapi import Depends, FastAPI, Header, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from simulators._decisions import Record
from simulators._errors import ApiError, RateLimited, idempotency_conflict, invalid, unauthorized
from simulators._html import render
from simulators._json_body import parse_body
from simulators._keyed_store import Outcome, request_hash
from simulators._rate_limit import RateLimiter

MAX_IDEMPOTENCY_KEY = 255
# What a POST answers with, first time and replayed.
_ANSWER = ("receipt_no", "status", "received_at")

KeyCheck = Callable[[str | None], str]


class Filing(Protocol):
    def submit(
        self, fields: Mapping[str, str], *, body_hash: str, idempotency_key: str | None
    ) -> tuple[Outcome, Record]: ...


class Listing(Protocol):
    def oldest_first(self) -> list[Record]: ...


def api_key_checker(api_keys: set[str]) -> KeyCheck:
    """A dependency that refuses (401) a request without one of api_keys and returns its key."""
    known = [key.encode("utf-8") for key in api_keys]

    def require_api_key(x_api_key: Annotated[str | None, Header()] = None) -> str:
        given = (x_api_key or "").encode("utf-8")
        # Constant-time comparison against every key, so timing does not reveal a near miss.
        matches = [secrets.compare_digest(given, key) for key in known]
        if not x_api_key or not any(matches):
            raise unauthorized()
        return x_api_key

    return require_api_key


def rate_limit(limiter: RateLimiter, require_key: KeyCheck) -> Callable[[str], None]:
    """A dependency that counts the request against its API key (429 when over the limit)."""

    def within_rate_limit(x_api_key: Annotated[str, Depends(require_key)]) -> None:
        wait = limiter.admit(x_api_key)
        if wait is not None:
            raise RateLimited(wait)

    return within_rate_limit


async def file_json(
    request: Request,
    idempotency_key: str | None,
    *,
    store: Filing,
    check: Callable[[dict[str, object]], dict[str, str]],
) -> Response:
    """Check and file a POSTed body; a repeated Idempotency-Key replays the first answer (200),
    or is refused (409) when the body differs."""
    if idempotency_key is not None and not 0 < len(idempotency_key) <= MAX_IDEMPOTENCY_KEY:
        raise invalid(f"Idempotency-Key长度应为1至{MAX_IDEMPOTENCY_KEY}个字符", "Idempotency-Key")
    body = parse_body(await request.body())
    fields = check(body)
    outcome, record = await run_in_threadpool(
        store.submit, fields, body_hash=request_hash(body), idempotency_key=idempotency_key
    )
    if outcome is Outcome.CONFLICT:
        raise idempotency_conflict()
    answer = {key: record[key] for key in _ANSWER}
    if outcome is Outcome.REPLAYED:
        return JSONResponse(answer, status_code=200, headers={"Idempotent-Replayed": "true"})
    return JSONResponse(answer, status_code=201)


async def handle_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)  # registered for ApiError only
    headers = {"Retry-After": str(exc.retry_after_s)} if isinstance(exc, RateLimited) else None
    return JSONResponse(exc.body(), status_code=exc.status_code, headers=headers)


def add_record_pages(
    app: FastAPI,
    *,
    store: Listing,
    env: jinja2.Environment,
    page_doc: str = "Everything received, newest first, for a human to browse.",
    hook_doc: str = "Test hook: every record as stored, oldest first.",
) -> None:
    """The human /records page (templates/records.html), /_sim/records and /_sim/health."""

    @app.get("/records", response_class=HTMLResponse, description=page_doc)
    def records() -> Response:
        return render(env, "records.html", rows=list(reversed(store.oldest_first())))

    @app.get("/_sim/records", description=hook_doc)
    def sim_records() -> list[Record]:
        return store.oldest_first()

    @app.get("/_sim/health")
    def sim_health() -> dict[str, bool]:
        """Test hook: the simulator is up."""
        return {"ok": True}
