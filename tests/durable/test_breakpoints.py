"""Breakpoints (durable/breakpoints.py) on the real local host: a builder's interrupt_before,
a run's interrupt_after, answers that keep or replace them, across continue-as-new."""

from __future__ import annotations

from typing import Any

from azure_functions_durable_graph.api.status import FINISHED
from azure_functions_durable_graph.testing import LocalHost
from tests.api.local_apps import run_status, start_run, wait_for_run
from tests.durable.reliability import host, post
from tests.helpers import eventually

__all__ = ["host"]


def settled(run: dict[str, Any]) -> dict[str, Any] | None:
    """The run once it has ended or paused."""
    return run if run["status"] in FINISHED or run["interrupts"] else None


def pauses_until_done(host: LocalHost, links: dict[str, Any], answer: Any) -> list[Any]:
    """Answer every pause with `answer`; the (pause, nodes, count) of each, in order."""
    seen: list[Any] = []
    while True:
        run = eventually(lambda: settled(run_status(host, links)))
        if run["status"] in FINISHED:
            return seen
        (pause,) = run["interrupts"]
        assert pause["value"] is None
        seen.append((pause["pause"], pause["nodes"], run["active"]))
        assert post(host, links, "resume", {"resume": {pause["id"]: answer}})[0] == 202
        eventually(lambda seen_id=pause["id"]: seen_id not in str(run_status(host, links)))


def test_a_runs_breakpoints_pause_every_superstep_across_continue_as_new(host: LocalHost):
    links = start_run(host, "paced", {"limit": 5}, interrupt_after=["tick"])

    seen = pauses_until_done(host, links, None)

    # After each tick that has a next; never before "done" right after a resume (LangGraph).
    assert seen == [("after", ["tick"], ["tick"])] * 4 + [("after", ["tick"], ["done"])]
    run = wait_for_run(host, links)
    assert run["status"] == "Completed"
    assert run["output"]["count"] == 5
    assert run["path"] == ["tick"] * 5 + ["done"]


def test_an_answer_replaces_the_runs_breakpoints_and_the_graphs_own_still_apply(host: LocalHost):
    links = start_run(host, "paced", {"limit": 5}, interrupt_after=["tick"])

    seen = pauses_until_done(host, links, {"interrupt_after": []})

    # The first answer drops the run's interrupt_after; the builder's interrupt_before stays.
    assert seen == [("after", ["tick"], ["tick"]), ("before", ["done"], ["done"])]
    assert wait_for_run(host, links)["output"]["count"] == 5


def test_a_breakpoint_before_a_node_with_an_answer_model_takes_a_null_answer(host: LocalHost):
    links = start_run(host, "approval_form", {}, interrupt_before=["ask"])
    (pause,) = eventually(lambda: settled(run_status(host, links)))["interrupts"]
    assert (pause["pause"], pause["node"]) == ("before", "ask")

    assert post(host, links, "resume", {"resume": None})[0] == 202

    # Past the breakpoint, the node asks its own question, whose answer the model checks.
    (question,) = eventually(
        lambda: [i for i in run_status(host, links)["interrupts"] if i["value"]]
    )
    assert question["value"] == {"question": "approve?"}
    assert post(host, links, "resume", {"resume": True})[0] == 422
    assert post(host, links, "resume", {"resume": {"approved": True}})[0] == 202
    assert wait_for_run(host, links)["status"] == "Completed"
