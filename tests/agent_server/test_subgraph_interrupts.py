"""An `interrupt()` inside a subgraph node, through LangGraph's client: the same script
against `langgraph dev` (the reference) and the local host, on the graphs of
apps/subgraph_app. The parent run pauses (run `success`, thread `interrupted`), the
thread's state shows the parent's task for the subgraph node with the interrupt, `wait`
answers the values with `__interrupt__`, and `Command(resume=...)` on the thread
resumes the subgraph through the parent (by value, and by interrupt id); new input
instead ends the paused run and starts another. Streamed with `stream_subgraphs`, the
subgraph's steps come in its namespace up to its interrupt, and from there on resume."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_sync_client
from langgraph_sdk.client import SyncLangGraphClient

from azure_functions_durable_graph.testing import LocalHost
from tests.agent_server.langgraph_dev import langgraph_dev as serve_langgraph_dev
from tests.agent_server.scenario import normalised

APP = Path(__file__).parent / "apps" / "subgraph_app"
START = {"log": []}
#: A checkpoint namespace names each task by its id (`node:<task id>|...`): kept as nodes.
TASK_ID = re.compile(r":[^|:]+")


@pytest.fixture(scope="module")
def langgraph_dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_langgraph_dev(APP, tmp_path_factory.mktemp("langgraph-dev")) as url:
        yield url


@pytest.fixture(scope="module")
def host() -> Iterator[LocalHost]:
    with LocalHost(APP, store=":memory:") as local_host:
        yield local_host


def without_task_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: TASK_ID.sub("", v) if k == "checkpoint_ns" else without_task_ids(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [without_task_ids(v) for v in value]
    return value


def without_results(checkpoints: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The history without its tasks' `result`: the subgraph node's update is shown as
    the items its appending reducer added, not as returned (docs/agent-server-api.md)."""
    return [
        {**c, "tasks": [{k: v for k, v in t.items() if k != "result"} for t in c["tasks"]]}
        for c in checkpoints
    ]


def snapshot(
    client: SyncLangGraphClient, thread_id: str, *, history: bool = True
) -> dict[str, Any]:
    """What a client sees of a thread: its status and interrupts, state, runs, history."""
    thread = client.threads.get(thread_id)
    state = client.threads.get_state(thread_id)
    seen = {
        "status": thread["status"],
        "interrupts": thread["interrupts"],
        "values": thread["values"],
        "state": {k: state[k] for k in ("values", "next", "tasks")},
        "runs": [r["status"] for r in client.runs.list(thread_id)],
    }
    if history:
        seen["history"] = without_results(client.threads.get_history(thread_id, limit=100))
    return without_task_ids(normalised(seen))


def interrupt_id(client: SyncLangGraphClient, thread_id: str) -> str:
    tasks = client.threads.get_state(thread_id)["tasks"]
    return str(next(i["id"] for t in tasks for i in t["interrupts"]))


def script(client: SyncLangGraphClient) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for graph in ("sg_ask", "sg_nested"):
        for by_id in (False, True):
            key = f"{graph}{' by id' if by_id else ''}"
            thread_id = client.threads.create()["thread_id"]
            out[f"{key}: paused"] = normalised(client.runs.wait(thread_id, graph, input=START))
            out[f"{key}: paused thread"] = snapshot(client, thread_id)
            answer: Any = "yes"
            if by_id:
                answer = {interrupt_id(client, thread_id): "by id"}
            resumed = client.runs.wait(thread_id, graph, command={"resume": answer})
            out[f"{key}: resumed"] = normalised(resumed)
            out[f"{key}: resumed thread"] = snapshot(client, thread_id)

    # New input while the subgraph waits: the paused run gives way to the new one.
    thread_id = client.threads.create()["thread_id"]
    client.runs.wait(thread_id, "sg_nested", input=START)
    again = client.runs.wait(thread_id, "sg_nested", input={"log": ["new"]})
    out["new input: paused again"] = normalised(again)
    # (The history's checkpoint where the superseded run paused lists no interrupt here.)
    out["new input: thread"] = snapshot(client, thread_id, history=False)
    resumed = client.runs.wait(thread_id, "sg_nested", command={"resume": "ok"})
    out["new input: resumed"] = normalised(resumed)
    out["new input: resumed thread"] = snapshot(client, thread_id, history=False)

    # A client streaming the run sees it pause.
    thread_id = client.threads.create()["thread_id"]
    parts = client.runs.stream(thread_id, "sg_ask", input=START, stream_mode=["updates", "values"])
    out["streamed"] = normalised([[p.event, p.data] for p in parts if p.event != "metadata"])

    # With stream_subgraphs: the subgraph's own steps, in its namespace, up to where it
    # asks; the resumed run's subgraph goes on from the step it paused in.
    for graph in ("sg_ask", "sg_nested"):
        thread_id = client.threads.create()["thread_id"]
        for key, start in [("paused", {"input": START}), ("resumed", {"command": RESUME})]:
            parts = client.runs.stream(
                thread_id,
                graph,
                stream_mode=["updates", "values"],
                stream_subgraphs=True,
                **start,
            )
            out[f"{graph} streamed with subgraphs: {key}"] = with_subgraphs(parts)
    return out


#: The subgraph nodes: their `updates` show what the parent's appending reducer added,
#: not the subgraph's output (a difference docs/agent-server-api.md lists).
SUBGRAPH_NODES = frozenset({"ask", "middle", "inner"})
RESUME = {"resume": "streamed"}


def with_subgraphs(parts: Any) -> list[Any]:
    return [
        [TASK_ID.sub("", p.event), normalised(p.data)]
        for p in parts
        if p.event != "metadata"
        and not (p.event.startswith("updates") and SUBGRAPH_NODES.intersection(p.data))
    ]


def transcript(url: str) -> dict[str, Any]:
    with get_sync_client(url=url, api_key=None) as client:
        return script(client)


def test_subgraph_interrupts_answer_as_langgraph_dev_does(
    langgraph_dev: str, host: LocalHost
) -> None:
    expected = transcript(langgraph_dev)
    actual = transcript(f"{host.base_url}/api/langgraph")

    differing = {
        k: {"langgraph": v, "here": actual.get(k)}
        for k, v in expected.items()
        if actual.get(k) != v
    }
    assert not differing, json.dumps(differing, indent=1, default=str)


def chain_of(http: httpx.Client, instance_id: str) -> list[dict[str, Any]]:
    """The run and its subgraph children, nested ones too (our own API's run status)."""
    run = http.get(f"/api/runs/{instance_id}").json()
    found = [run]
    for child in run["children"]:
        found += chain_of(http, child["instance_id"])
    return found


@pytest.mark.parametrize("supersede", ["new input", "update_state"])
def test_a_run_paused_in_a_nested_subgraph_ends_with_its_children_when_superseded(
    host: LocalHost, supersede: str
) -> None:
    url = f"{host.base_url}/api/langgraph"
    with (
        get_sync_client(url=url, api_key=None) as client,
        httpx.Client(base_url=host.base_url) as http,
    ):
        thread_id = client.threads.create()["thread_id"]
        client.runs.wait(thread_id, "sg_nested", input=START)
        paused = chain_of(http, client.runs.list(thread_id)[0]["run_id"])
        assert [r["status"] for r in paused] == ["Running"] * 3  # parent, middle, inner

        if supersede == "new input":
            client.runs.wait(thread_id, "sg_nested", input={"log": ["new"]})
        else:
            client.threads.update_state(thread_id, {"log": ["edited"]})

        ended = [http.get(f"/api/runs/{r['instance_id']}").json()["status"] for r in paused]
        assert ended == ["Terminated"] * 3
        # The thread's lock let the paused run go: a run on it starts and asks again.
        client.runs.wait(thread_id, "sg_nested", input={"log": ["more"]})
        assert client.threads.get(thread_id)["status"] == "interrupted"
