"""RetryPolicy.should_retry: an exception class, a tuple of them, a predicate, or the default."""

from __future__ import annotations

import pytest

from azure_functions_durable_graph import NodeTimeout, RetryPolicy


@pytest.mark.parametrize(
    ("retry_on", "exc", "expected"),
    [
        (ConnectionError, ConnectionError("x"), True),
        (ConnectionError, TimeoutError("x"), False),
        ((KeyError, ValueError), ValueError("x"), True),
        ((KeyError, ValueError), TypeError("x"), False),
        (lambda e: "retry" in str(e), RuntimeError("please retry"), True),
        (lambda e: "retry" in str(e), RuntimeError("give up"), False),
    ],
)
def test_retry_on_forms(retry_on: object, exc: Exception, expected: bool):
    assert RetryPolicy(retry_on=retry_on).should_retry(exc) is expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (ConnectionError("reset"), True),
        (NodeTimeout("n", 1.0), True),
        (Exception("boom"), True),
        (ValueError("bad"), False),
        (TypeError("bug"), False),
        (KeyError("k"), False),
        (OSError("disk"), False),
    ],
)
def test_the_default_retries_passing_faults_not_bugs(exc: Exception, expected: bool):
    assert RetryPolicy().should_retry(exc) is expected
