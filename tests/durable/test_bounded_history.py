"""Bounded history: a run continues as new every `steps_per_execution` supersteps, invisibly."""

from __future__ import annotations

import pytest

from azure_functions_durable_graph.testing import LocalHost
from tests.api.local_apps import send_event, start_run, wait_for_run
from tests.durable.reliability import host, until

__all__ = ["host"]

#: docs/graphs.md "Bounded history": about 6 events per single-node superstep, 10 supersteps
#: per execution by default, plus the execution's own start and end.
HISTORY_BOUND = 8 * 10 + 8


def test_a_loop_continues_as_new_with_the_same_id_state_and_path(host: LocalHost):
    links = start_run(host, "loop", {"limit": 20})
    waiting = until(host, links, lambda run: run["waiting_for"])
    history = host.history(links["instance_id"])

    assert send_event(host, links, "ping", "end") == 202
    run = wait_for_run(host, links)

    assert run["status"] == "Completed", run["error"]
    assert run["instance_id"] == links["instance_id"]
    assert run["output"]["count"] == 20
    assert run["path"] == ["tick"] * 20 + ["done"]
    assert run["step"] == 21
    # 20 ticks at 7 supersteps per execution: this is the third execution, and its
    # history holds only its own supersteps.
    assert waiting["step"] == 20
    scheduled = [e for e in history if e["EventType"] == 4]
    assert len(scheduled) == 20 - 14


@pytest.mark.slow
def test_a_5000_step_loop_completes_with_no_execution_over_the_bound(host: LocalHost):
    links = start_run(host, "long_loop", {"limit": 5000})

    run = wait_for_run(host, links, timeout=600)

    assert run["status"] == "Completed", run["error"]
    assert run["output"]["count"] == 5000
    assert len(run["path"]) == 5001
    assert len(host.history(links["instance_id"])) <= HISTORY_BOUND
