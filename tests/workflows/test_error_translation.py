"""How a project error becomes the ApplicationError Temporal's retry policy reads."""

from __future__ import annotations

import random
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from connectors.sdk import RetryPolicyDecl
from hub.errors import BusinessRejection, TargetUnavailable
from workflows.activities import _with_jitter, jittered_delay, to_application_error


def test_a_targets_retry_after_sets_the_next_attempts_wait() -> None:
    error = to_application_error(TargetUnavailable("HTTP 429", retry_after_s=42))

    assert error.next_retry_delay == timedelta(seconds=42)
    assert (error.type, error.non_retryable) == ("TargetUnavailable", False)


def test_without_one_the_connectors_backoff_decides() -> None:
    assert to_application_error(TargetUnavailable("HTTP 503")).next_retry_delay is None


def test_a_business_rejection_is_never_retried_and_carries_the_targets_words() -> None:
    error = to_application_error(BusinessRejection("refused", user_message="身份证号码有误"))

    assert (error.message, error.non_retryable) == ("身份证号码有误", True)


@given(
    attempt=st.integers(1, 30),
    initial=st.floats(0.1, 60),
    backoff=st.floats(1.0, 4.0),
    maximum=st.floats(1, 3600),
    seed=st.integers(0, 2**32),
)
def test_a_retry_waits_between_half_and_all_of_the_connectors_backoff(
    attempt: int, initial: float, backoff: float, maximum: float, seed: int
) -> None:
    retry = RetryPolicyDecl(initial_interval_s=initial, backoff=backoff, maximum_interval_s=maximum)
    full = min(maximum, initial * backoff ** (attempt - 1))

    wait = jittered_delay(retry, attempt, random.Random(seed))

    assert full / 2 <= wait <= full


def test_deliveries_failed_by_one_outage_come_back_spread_out() -> None:
    retry = RetryPolicyDecl(initial_interval_s=2, backoff=2, maximum_interval_s=60)
    rng = random.Random(7)
    waits = [jittered_delay(retry, 3, rng) for _ in range(100)]
    assert max(waits) - min(waits) > 1.0  # over 4–8 s, not all at 8 s
    assert len({round(w, 3) for w in waits}) > 90


def test_jitter_goes_only_where_the_backoff_decides() -> None:
    retry = RetryPolicyDecl(initial_interval_s=2, backoff=2, maximum_interval_s=60)
    outage = _with_jitter(to_application_error(TargetUnavailable("HTTP 503")), retry, 2)
    told = to_application_error(TargetUnavailable("HTTP 429", retry_after_s=42))
    rejected = to_application_error(BusinessRejection("refused", user_message="身份证号码有误"))

    assert outage.next_retry_delay is not None
    assert timedelta(seconds=2) <= outage.next_retry_delay <= timedelta(seconds=4)
    assert (outage.type, outage.message) == ("TargetUnavailable", TargetUnavailable.user_message)
    assert _with_jitter(told, retry, 2).next_retry_delay == timedelta(seconds=42)
    assert _with_jitter(rejected, retry, 2) is rejected
