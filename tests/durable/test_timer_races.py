"""Durable timers racing the work they guard, through the real SDK replay on the local host.

A timer that fired while its work was still running must never be cancelled (the SDK
raises "Cannot cancel a completed task." and Azure fails the run the same way); the
work's result, or an event accepted before its deadline, must still count.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from azure_functions_durable_graph.testing import LocalHost, VirtualClock
from tests.api.local_apps import send_event, serve, start_run, wait_for_run, wait_until_waiting
from tests.helpers import eventually

APP = Path(__file__).parent / "apps" / "timer_races"
TASK_COMPLETED, TIMER_CREATED, TIMER_FIRED = 5, 10, 11
TIMEOUTS = {"a": 10, "b": 20}  # seconds, as declared in the app
SEEDS = range(24)


@pytest.fixture(scope="module")
def host() -> Iterator[LocalHost]:
    with serve(APP) as running:
        yield running


def clock(host: LocalHost) -> VirtualClock:
    assert isinstance(host.clock, VirtualClock)
    return host.clock


def events(host: LocalHost, links: dict[str, Any], kind: int) -> list[dict[str, Any]]:
    return [e for e in host.history(links["instance_id"]) if e["EventType"] == kind]


def completed(host: LocalHost, links: dict[str, Any], marker: str) -> bool:
    return any(marker in (e.get("Result") or "") for e in events(host, links, TASK_COMPLETED))


def ended(host: LocalHost, links: dict[str, Any]) -> bool:
    """The run finished (a late result reaching a finished run is not recorded)."""
    status = host.status(links["instance_id"]) or {}
    return status.get("runtimeStatus") in ("Completed", "Failed")


def timer_fired_at(host: LocalHost, links: dict[str, Any], moment: datetime) -> None:
    """Wait until the timer due at `moment` has fired in the run's history."""

    def fired() -> bool:
        return any(
            datetime.fromisoformat(e["FireAt"].replace("Z", "+00:00")) == moment
            for e in events(host, links, TIMER_FIRED)
        )

    eventually(fired)


def open_gate(gates: dict[str, str], name: str) -> None:
    Path(gates[name]).write_text("open", encoding="utf-8")


def test_a_node_that_beat_its_timeout_beside_a_sibling_that_outlived_it_completes(
    host: LocalHost, tmp_path: Path
):
    gates = {"c": str(tmp_path / "c")}
    links = start_run(host, "siblings", {"gates": gates})
    eventually(lambda: completed(host, links, "done:a") and completed(host, links, "done:b"))

    clock(host).advance(timedelta(seconds=25))  # both timers fire while c still runs
    eventually(lambda: len(events(host, links, TIMER_FIRED)) == 2)
    open_gate(gates, "c")
    run = wait_for_run(host, links)

    assert run["status"] == "Completed", run["error"]
    assert sorted(run["output"]["log"]) == ["done:a", "done:b", "done:c"]


def test_an_event_accepted_before_its_deadline_counts_though_its_handler_outlives_it(
    host: LocalHost, tmp_path: Path
):
    gates = {"handler": str(tmp_path / "handler")}
    started = tmp_path / "started"
    links = start_run(host, "deadline", {"gates": gates, "started": str(started)})
    wait_until_waiting(host, links, "answer")
    assert send_event(host, links, "answer", "yes") == 202
    eventually(started.exists)

    clock(host).advance(timedelta(hours=2))  # the deadline passes while the handler runs
    eventually(lambda: events(host, links, TIMER_FIRED))
    open_gate(gates, "handler")
    run = wait_for_run(host, links)

    assert run["status"] == "Completed", run["error"]
    assert run["output"]["log"] == ["answer:yes", "accepted"]


@pytest.mark.parametrize("seed", SEEDS)
def test_node_timeouts_racing_completions_in_random_orders(
    host: LocalHost, tmp_path: Path, seed: int
):
    """Gates open and the clock moves in a random order; each node times out exactly
    when the clock passed its timeout before it finished."""
    rng = random.Random(seed)
    gates = {name: str(tmp_path / name) for name in "abc"}
    actions: list[str | int] = ["a", "b", "c", rng.choice([3, 8, 12]), rng.choice([4, 9, 15])]
    rng.shuffle(actions)
    started = clock(host).now()  # the virtual clock stands still until advanced
    links = start_run(host, "siblings", {"gates": gates})
    eventually(lambda: len(events(host, links, TIMER_CREATED)) == 2)  # a and b are running
    elapsed, finished, timed_out = 0, set(), set()
    for action in actions:
        if isinstance(action, int):
            elapsed += action
            clock(host).advance(timedelta(seconds=action))
            for name, seconds in TIMEOUTS.items():
                if elapsed >= seconds and name not in finished | timed_out:
                    timed_out.add(name)
                    timer_fired_at(host, links, started + timedelta(seconds=seconds))
            continue
        finished.add(action)
        open_gate(gates, action)
        eventually(lambda name=action: completed(host, links, f"done:{name}") or ended(host, links))
    run = wait_for_run(host, links)

    assert run["status"] == "Completed", (actions, run["error"])
    expected = [f"late:{n}" if n in timed_out else f"done:{n}" for n in "abc"]
    assert sorted(run["output"]["log"]) == sorted(expected), actions


@pytest.mark.parametrize("seed", SEEDS)
def test_event_deadlines_racing_handlers_in_random_orders(
    host: LocalHost, tmp_path: Path, seed: int
):
    """An event counts exactly when it was accepted before the deadline passed."""
    rng = random.Random(seed)
    gates = {"handler": str(tmp_path / "handler")}
    started = tmp_path / "started"
    actions = ["send", "open", "advance"]
    rng.shuffle(actions)
    links = start_run(host, "deadline", {"gates": gates, "started": str(started)})
    wait_until_waiting(host, links, "answer")
    accepted = expired = False
    for action in actions:
        if action == "open":
            open_gate(gates, "handler")
        elif action == "advance":
            clock(host).advance(timedelta(hours=2))
            eventually(lambda: events(host, links, TIMER_FIRED) or ended(host, links))
            expired = not accepted
        elif not expired:
            assert send_event(host, links, "answer", f"seed {seed}") == 202
            eventually(started.exists)
            accepted = True
    run = wait_for_run(host, links)

    assert run["status"] == "Completed", (actions, run["error"])
    expected = [f"answer:seed {seed}", "accepted"] if accepted else ["expired"]
    assert run["output"]["log"] == expected, actions
