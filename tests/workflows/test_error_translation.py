"""How a project error becomes the ApplicationError Temporal's retry policy reads."""

from __future__ import annotations

from datetime import timedelta

from hub.errors import BusinessRejection, TargetUnavailable
from workflows.activities import to_application_error


def test_a_targets_retry_after_sets_the_next_attempts_wait() -> None:
    error = to_application_error(TargetUnavailable("HTTP 429", retry_after_s=42))

    assert error.next_retry_delay == timedelta(seconds=42)
    assert (error.type, error.non_retryable) == ("TargetUnavailable", False)


def test_without_one_the_connectors_backoff_decides() -> None:
    assert to_application_error(TargetUnavailable("HTTP 503")).next_retry_delay is None


def test_a_business_rejection_is_never_retried_and_carries_the_targets_words() -> None:
    error = to_application_error(BusinessRejection("refused", user_message="身份证号码有误"))

    assert (error.message, error.non_retryable) == ("身份证号码有误", True)
