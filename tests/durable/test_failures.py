"""Retry policies on durable timers, node timeouts and on_error routes, on the virtual clock."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from azure_functions_durable_graph.testing import LocalHost, VirtualClock
from tests.api.local_apps import start_run, wait_for_run
from tests.durable.reliability import gate, host, until
from tests.helpers import eventually

__all__ = ["host"]

TIMER_CREATED = 10


def late_results(host: LocalHost, instance_id: str) -> list[dict]:
    return [e for e in host.history(instance_id) if "late result" in (e.get("Result") or "")]


def test_a_failing_node_backs_off_on_durable_timers_then_succeeds(host: LocalHost, tmp_path: Path):
    path, open_gate = gate(tmp_path)
    open_gate()
    links = start_run(host, "ledger", {"gate": path, "fail_first": 2, "expected": 0})

    first = until(host, links, lambda run: run["retry"])
    assert first["retry"]["attempt"] == 2
    assert first["retry"]["last_error"]["type"] == "ConnectionError"
    started = datetime.fromisoformat(first["created_at"])
    assert datetime.fromisoformat(first["retry"]["next_attempt_at"]) - started >= timedelta(
        seconds=10
    )
    host.advance(timedelta(seconds=10))
    second = until(host, links, lambda run: (run["retry"] or {}).get("attempt") == 3)
    # backoff_factor 2: the second wait is twice the first.
    waits = [datetime.fromisoformat(r["retry"]["next_attempt_at"]) for r in (first, second)]
    assert waits[1] - waits[0] == timedelta(seconds=20)
    host.advance(timedelta(seconds=20))
    run = wait_for_run(host, links)

    assert run["status"] == "Completed", run["error"]
    assert run["output"]["log"] == ["work after 3 attempt(s)"]
    timers = [e for e in host.history(links["instance_id"]) if e["EventType"] == TIMER_CREATED]
    assert len(timers) == 2


def test_retries_stop_at_max_attempts_and_the_run_fails_with_the_last_error(
    host: LocalHost, tmp_path: Path
):
    path, open_gate = gate(tmp_path)
    open_gate()
    links = start_run(host, "ledger", {"gate": path, "fail_first": 5})
    until(host, links, lambda run: (run["retry"] or {}).get("attempt") == 2)
    host.advance(timedelta(seconds=10))
    until(host, links, lambda run: (run["retry"] or {}).get("attempt") == 3)
    host.advance(timedelta(seconds=20))

    run = wait_for_run(host, links)

    assert run["status"] == "Failed"
    assert run["error"] == ("Graph 'ledger', node 'work' raised ConnectionError: attempt 3 failed")


def test_an_attempt_past_its_timeout_is_retried_and_its_late_result_ignored(
    host: LocalHost, tmp_path: Path
):
    path, open_gate = gate(tmp_path)
    links = start_run(host, "fragile", {"gate": path, "mode": "slow"})
    until(host, links, lambda run: run["active"] == ["slow"])

    # The first attempt is still held by the gate: move the clock without waiting for it.
    clock = host.clock
    assert isinstance(clock, VirtualClock)
    clock.advance(timedelta(seconds=31))
    timed_out = until(host, links, lambda run: run["retry"])
    open_gate()  # the abandoned first attempt finishes during the backoff: it must not count
    eventually(lambda: late_results(host, links["instance_id"]))
    host.advance(timedelta(seconds=2))
    run = wait_for_run(host, links)

    assert timed_out["retry"]["last_error"]["type"] == "NodeTimeout"
    assert timed_out["retry"]["last_error"]["message"] == (
        "node 'slow' did not finish within its timeout of 30s"
    )
    assert run["status"] == "Completed", run["error"]
    assert run["output"]["log"] == ["attempt 2 in time"]
    assert len(late_results(host, links["instance_id"])) == 1  # it arrived, and was ignored


def test_a_node_that_fails_for_good_hands_over_to_its_on_error_node(host: LocalHost):
    links = start_run(host, "fragile", {"mode": "network"})
    until(host, links, lambda run: run["retry"])
    host.advance(timedelta(seconds=5))

    run = wait_for_run(host, links)

    assert run["status"] == "Completed", run["error"]
    assert run["output"]["log"] == ["recovered from risky: ConnectionError after 2"]
    assert run["path"] == ["route", "risky", "recover"]


def test_an_error_the_policy_does_not_retry_goes_straight_to_on_error(host: LocalHost):
    links = start_run(host, "fragile", {"mode": "type"})

    run = wait_for_run(host, links)

    assert run["output"]["log"] == ["recovered from risky: TypeError after 1"]
    timers = [e for e in host.history(links["instance_id"]) if e["EventType"] == TIMER_CREATED]
    assert timers == []


def test_a_retried_attempt_logs_one_line_and_a_final_failure_its_traceback(
    host: LocalHost, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.WARNING, logger="azure_functions_durable_graph")
    path, open_gate = gate(tmp_path)
    open_gate()
    links = start_run(host, "ledger", {"gate": path, "fail_first": 5})
    until(host, links, lambda run: (run["retry"] or {}).get("attempt") == 2)
    host.advance(timedelta(seconds=10))
    until(host, links, lambda run: (run["retry"] or {}).get("attempt") == 3)
    host.advance(timedelta(seconds=20))
    assert wait_for_run(host, links)["status"] == "Failed"

    records = [r for r in caplog.records if "node 'work'" in r.getMessage()]
    retried = [r for r in records if r.levelno == logging.WARNING]
    assert [r.getMessage() for r in retried] == [
        f"Graph 'ledger', node 'work' raised ConnectionError: attempt {n} failed "
        f"(attempt {n}; retried)"
        for n in (1, 2)
    ]
    assert all(r.exc_info is None for r in retried)  # no traceback while it is retried
    (final,) = [r for r in records if r.levelno == logging.ERROR]
    assert final.getMessage() == "Graph 'ledger', node 'work' raised (attempt 3)"
    assert final.exc_info is not None and final.exc_info[0] is ConnectionError
