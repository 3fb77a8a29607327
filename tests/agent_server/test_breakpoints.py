"""interrupt_before / interrupt_after through LangGraph's client: the same script against
`langgraph dev` (the reference) and the local host, on the graphs of apps/breakpoints_app
(a chain, a loop, parallel branches, compile-time breakpoints). Each pause is compared
as the client sees it: the run's answer and status, the thread's status, its state
(values, next, tasks without interrupts) and its whole history."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_sync_client
from langgraph_sdk.client import SyncLangGraphClient

from azure_functions_durable_graph.testing import LocalHost
from tests.agent_server.langgraph_dev import assert_same_answers
from tests.agent_server.langgraph_dev import langgraph_dev as serve_langgraph_dev
from tests.agent_server.scenario import normalised

APP = Path(__file__).parent / "apps" / "breakpoints_app"
START = {"log": []}


@pytest.fixture(scope="module")
def langgraph_dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_langgraph_dev(APP, tmp_path_factory.mktemp("langgraph-dev")) as url:
        yield url


@pytest.fixture(scope="module")
def host() -> Iterator[LocalHost]:
    with LocalHost(APP, store=":memory:") as local_host:
        yield local_host


def snapshot(client: SyncLangGraphClient, thread_id: str) -> dict[str, Any]:
    """What a client sees of a thread: status, interrupts, state, runs, history."""
    thread = client.threads.get(thread_id)
    runs = client.runs.list(thread_id)
    return normalised(
        {
            "status": thread["status"],
            "interrupts": thread["interrupts"],
            "values": thread["values"],
            "state": client.threads.get_state(thread_id),
            "runs": [(r["status"], r["kwargs"].get("interrupt_before")) for r in runs],
            "history": client.threads.get_history(thread_id, limit=100),
        }
    )


def until_done(
    client: SyncLangGraphClient, graph: str, options: dict[str, Any]
) -> list[dict[str, Any]]:
    """Start with input, then continue with null input while the thread has a next."""
    thread_id = client.threads.create()["thread_id"]
    seen = [{"answer": client.runs.wait(thread_id, graph, input=START, **options)}]
    seen.append(snapshot(client, thread_id))
    for _ in range(10):
        if not client.threads.get_state(thread_id)["next"]:
            break
        seen.append({"answer": client.runs.wait(thread_id, graph, input=None, **options)})
        seen.append(snapshot(client, thread_id))
    return seen


def script(client: SyncLangGraphClient, http: httpx.Client) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for graph, options in [
        ("bp_chain", {"interrupt_before": ["b"]}),
        ("bp_chain", {"interrupt_after": ["a"]}),
        ("bp_chain", {"interrupt_before": "*"}),
        ("bp_chain", {"interrupt_after": ["c"]}),
        ("bp_chain", {"interrupt_before": ["nope"]}),  # no such node: never pauses
        ("bp_loop", {"interrupt_before": ["b"]}),
        ("bp_fan", {"interrupt_before": ["c"]}),
        ("bp_fan", {"interrupt_after": "*"}),
        ("bp_fan_compiled", {}),
        ("bp_fan_compiled", {"interrupt_before": ["a"]}),
        # (bp_chosen_start is compared in tests/langgraph/test_breakpoints.py only: the
        # Agent Server numbers the checkpoints of a graph whose START chooses one apart.)
    ]:
        out[f"{graph} {json.dumps(options)}"] = until_done(client, graph, options)

    # What a client streaming the run sees when it pauses.
    thread_id = client.threads.create()["thread_id"]
    parts = client.runs.stream(
        thread_id,
        "bp_chain",
        input=START,
        interrupt_before=["b"],
        stream_mode=["updates", "values"],
    )
    out["streamed"] = [[p.event, p.data] for p in parts if p.event != "metadata"]

    # Command(resume=...) at a breakpoint continues, as input null does.
    thread_id = client.threads.create()["thread_id"]
    client.runs.wait(thread_id, "bp_chain", input=START, interrupt_after=["a"])
    out["resume at a breakpoint"] = client.runs.wait(thread_id, "bp_chain", command={"resume": 1})
    out["resume at a breakpoint: thread"] = snapshot(client, thread_id)

    # update_state at a breakpoint keeps the paused node next; null input runs it.
    thread_id = client.threads.create()["thread_id"]
    client.runs.wait(thread_id, "bp_chain", input=START, interrupt_before=["b"])
    client.threads.update_state(thread_id, {"log": ["edited"]})
    out["updated at a breakpoint"] = snapshot(client, thread_id)
    out["updated, continued"] = client.runs.wait(thread_id, "bp_chain", input=None)
    out["updated, continued: thread"] = snapshot(client, thread_id)

    # New input at a breakpoint starts over; the continuing run's breakpoints apply.
    thread_id = client.threads.create()["thread_id"]
    client.runs.wait(thread_id, "bp_chain", input=START, interrupt_before=["b"])
    out["new input"] = client.runs.wait(
        thread_id, "bp_chain", input={"log": ["new"]}, interrupt_before=["a"]
    )
    out["continued with other breakpoints"] = client.runs.wait(
        thread_id, "bp_chain", input=None, interrupt_after=["b"]
    )
    out["continued with other breakpoints: thread"] = snapshot(client, thread_id)

    # Bad breakpoints: LangGraph's 422 and its message.
    thread_id = client.threads.create()["thread_id"]
    for name, value in [
        ("interrupt_before", "b"),
        ("interrupt_after", [1]),
        ("interrupt_before", None),
    ]:
        response = http.post(
            f"/threads/{thread_id}/runs/wait",
            json={"assistant_id": "bp_chain", "input": START, name: value},
        )
        out[f"bad {name}={value!r}"] = [response.status_code, response.json()]
    return out


def transcript(url: str) -> dict[str, Any]:
    with get_sync_client(url=url, api_key=None) as client, httpx.Client(base_url=url) as http:
        return script(client, http)


def test_breakpoints_answer_as_langgraph_dev_does(langgraph_dev: str, host: LocalHost) -> None:
    expected = transcript(langgraph_dev)
    actual = transcript(f"{host.base_url}/api/langgraph")

    assert_same_answers(expected, actual)
