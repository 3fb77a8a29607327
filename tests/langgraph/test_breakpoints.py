"""interrupt_before / interrupt_after against LangGraph: the same graphs run in LangGraph
(`invoke` on an InMemorySaver, continued with `invoke(None)`) and through the local host
(``POST /api/graphs/{name}/runs`` with the breakpoints, continued with a resume of null);
at every pause both show the same state and the same next nodes, and both end the same."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from azure_functions_durable_graph.api.status import FINISHED
from azure_functions_durable_graph.testing import LocalHost
from tests.agent_server.apps.breakpoints_app.bp_graphs import COMPILED, GRAPHS
from tests.api.local_apps import run_status, start_run, wait_for_run
from tests.helpers import eventually

APP = Path(__file__).parents[1] / "agent_server" / "apps" / "breakpoints_app"

CASES = [
    ("bp_chain", {"interrupt_before": ["b"]}),
    ("bp_chain", {"interrupt_after": ["a"]}),
    ("bp_chain", {"interrupt_before": "*"}),
    ("bp_chain", {"interrupt_after": "*"}),
    ("bp_chain", {"interrupt_before": ["b"], "interrupt_after": ["a"]}),
    ("bp_chain", {"interrupt_after": ["c"]}),  # after the last node: nothing left to pause
    ("bp_loop", {"interrupt_before": ["b"]}),
    ("bp_loop", {"interrupt_after": ["a"]}),
    ("bp_fan", {"interrupt_before": ["c"]}),
    ("bp_fan", {"interrupt_after": ["b"]}),
    ("bp_fan", {"interrupt_before": "*", "interrupt_after": "*"}),
    ("bp_fan_compiled", {}),
    ("bp_fan_compiled", {"interrupt_before": ["a"]}),  # the run's list replaces compile()'s
    ("bp_chosen_start", {"interrupt_before": "*"}),
]


@pytest.fixture(scope="module")
def host() -> Iterator[LocalHost]:
    with LocalHost(APP, store=":memory:") as local_host:
        yield local_host


def langgraph_pauses(name: str, options: dict[str, Any]) -> tuple[list[Any], Any]:
    """[(values, next)] at each pause, and the final values, as LangGraph gives them."""
    compiled = GRAPHS[name]().compile(checkpointer=InMemorySaver(), **COMPILED.get(name, {}))
    config = {"configurable": {"thread_id": "breakpoints"}}
    result = compiled.invoke({"log": []}, config, **options)
    pauses = []
    while (state := compiled.get_state(config)).next:
        pauses.append((state.values, sorted(state.next)))
        result = compiled.invoke(None, config, **options)
    return pauses, result


def paused(host: LocalHost, links: dict[str, Any]) -> dict[str, Any] | None:
    """The run once it pauses, read again when its step log (signalled, a moment late)
    holds every superstep it took, so its running state is the state it paused with."""
    run = run_status(host, links)
    if run["status"] in FINISHED:
        return run
    if not run["interrupts"]:
        return None
    steps = host.get(f"{links['status_url']}/steps").json()["steps"]
    if len(steps) < run["superstep"]:
        return None
    return run_status(host, links)


def durable_pauses(host: LocalHost, name: str, options: dict[str, Any]) -> tuple[list[Any], Any]:
    """The same through the HTTP API: each pause is an interrupt without a value."""
    links = start_run(host, name, {"log": []}, **options)
    pauses = []
    while True:
        run = eventually(lambda: paused(host, links))
        if run["status"] in FINISHED:
            break
        (pause,) = run["interrupts"]
        assert pause["value"] is None and pause["pause"] in ("before", "after")
        assert pause["node"] in pause["nodes"]
        pauses.append((run["state"], sorted(run["active"])))
        response = host.post(f"{links['status_url']}/resume", json={"resume": None})
        assert response.status == 202, response.text
        answered = run["interrupts"]
        eventually(lambda seen=answered: run_status(host, links)["interrupts"] != seen)
    run = wait_for_run(host, links)
    assert run["status"] == "Completed", run["error"]
    return pauses, run["output"]


@pytest.mark.parametrize(("name", "options"), CASES)
def test_a_run_pauses_and_continues_where_langgraph_does(
    host: LocalHost, name: str, options: dict[str, Any]
) -> None:
    expected_pauses, expected = langgraph_pauses(name, options)

    pauses, output = durable_pauses(host, name, options)

    assert pauses == expected_pauses
    assert output == expected


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"interrupt_before": ["nope"]}, "unknown_node"),
        ({"interrupt_after": "a"}, "invalid_body"),
        ({"interrupt_before": [1]}, "invalid_body"),
    ],
)
def test_breakpoints_naming_no_node_of_the_graph_are_refused(
    host: LocalHost, body: dict[str, Any], code: str
) -> None:
    response = host.post("/api/graphs/bp_chain/runs", json={"input": {"log": []}, **body})

    assert response.status == 400
    assert response.json()["error"]["code"] == code
