"""Live streams (HTTP streaming on) through LangGraph's Python client.

Liveness is proven without timing: the `gated` graph (apps/live_app/gated_graphs.py)
waits, mid-node, for a file the test creates only after its client RECEIVED an earlier
event of the same run (the values after step 1, a custom event, a message chunk). A
server that answers the stream when the run ends never delivers them, and the run
fails with a closed gate. The same host also passes test_streaming.py's and
test_superstep_modes.py's checks (imported below), so a live stream carries the same
events as a buffered one.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from langgraph_sdk.client import SyncLangGraphClient

from azure_functions_durable_graph.testing import LocalHost
from tests.agent_server.conftest import AGENT_APP
from tests.agent_server.scenario import normalised
from tests.agent_server.test_durability import client_of
from tests.agent_server.test_js_client import run_script, stripped
from tests.agent_server.test_streaming import (  # noqa: F401  (run again on a live host)
    test_a_background_run_is_joined_and_its_stream_rejoined,
    test_a_chat_models_tokens_come_as_messages_tuples,
    test_a_failed_run_ends_its_stream_with_an_error_event,
    test_a_nodes_stream_writer_sends_custom_events_before_its_update,
    test_a_resumed_run_streams_what_its_nodes_write_after_the_resume,
    test_a_stateless_run_gets_a_thread_of_its_own,
    test_an_update_shows_what_the_node_returned,
    test_messages_mode_sends_each_message_so_far_as_langgraph_does,
    test_modes_the_run_did_not_ask_for_send_nothing,
    test_values_and_updates_come_in_langgraphs_order,
)
from tests.agent_server.test_superstep_modes import (  # noqa: F401  (again, live)
    test_a_failed_tasks_result_carries_the_error,
    test_a_resume_opens_with_the_checkpoint_it_resumes,
    test_a_subgraphs_checkpoints_name_its_parents_checkpoints,
    test_debug_wraps_each_checkpoint_and_task_with_its_step,
    test_streamed_checkpoint_and_task_ids_are_the_threads_history,
    test_subgraph_steps_stream_under_the_parent_tasks_namespace,
    test_what_a_subgraph_node_writes_is_sent_in_its_namespace_only,
    test_without_stream_subgraphs_a_subgraph_is_one_update,
)
from tests.helpers import eventually
from tests.soak.serving import serve

pytest.importorskip("azurefunctions.extensions.http.fastapi")

LIVE_APP = Path(__file__).parent / "apps" / "live_app"
ALL_MODES = ["values", "updates", "custom", "messages-tuple"]


@pytest.fixture(scope="module")
def host() -> Iterator[LocalHost]:
    with LocalHost(LIVE_APP, store=":memory:") as local_host:
        yield local_host


class Gates:
    """Opens the gated graph's gates as its client receives the events they wait for."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.seen: list[tuple[str, Any]] = []

    def open(self, name: str) -> None:
        (self.folder / name).touch()

    def receive(self, parts: Iterator[Any]) -> list[tuple[str, Any]]:
        for part in parts:
            self.seen.append((part.event, part.data))
            if part.event == "values" and part.data.get("log") == ["first"]:
                self.open("values")
            elif part.event == "custom":
                self.open("custom")
            elif part.event == "messages" and part.data[0]["content"] == "hello ":
                self.open("token")
        return self.seen


def start(gates: Path) -> dict[str, Any]:
    return {"gates": str(gates), "log": []}


@pytest.mark.parametrize("on_thread", [True, False], ids=["thread", "stateless"])
def test_each_event_reaches_the_client_while_the_run_waits_for_it(
    client: SyncLangGraphClient, tmp_path: Path, on_thread: bool
) -> None:
    thread_id = client.threads.create()["thread_id"] if on_thread else None
    gates = Gates(tmp_path)

    seen = gates.receive(
        client.runs.stream(thread_id, "gated", input=start(tmp_path), stream_mode=ALL_MODES)
    )

    names = [name for name, _ in seen]
    assert "error" not in names, seen
    assert names == [
        "metadata",
        "values",
        "updates",
        "values",
        "custom",
        "messages",
        "messages",
        "messages",
        "updates",
        "values",
    ]  # LangGraph's order for this graph (graph.stream with the same modes)
    assert seen[4][1] == {"stage": "custom"}
    # The model's two tokens, then the empty closing chunk LangGraph streams too.
    assert [data[0]["content"] for name, data in seen if name == "messages"] == [
        "hello ",
        "world",
        "",
    ]
    assert seen[-1][1]["log"] == ["first", "second: hello world"]


def test_join_stream_follows_a_run_already_going(
    client: SyncLangGraphClient, tmp_path: Path
) -> None:
    thread_id = client.threads.create()["thread_id"]
    gates = Gates(tmp_path)
    gates.open("token")  # this run streams no messages
    run = client.runs.create(
        thread_id, "gated", input=start(tmp_path), stream_mode=["values", "custom"]
    )
    eventually(lambda: client.runs.get(thread_id, run["run_id"])["status"] == "running")

    seen = gates.receive(client.runs.join_stream(thread_id, run["run_id"]))

    assert [name for name, _ in seen] == ["metadata", "values", "values", "custom", "values"]
    assert seen[-1][1]["log"] == ["first", "second: hello world"]
    assert client.runs.get(thread_id, run["run_id"])["status"] == "success"


def test_streams_say_whether_they_are_live(host: LocalHost, tmp_path: Path) -> None:
    body = {"assistant_id": "reviewer", "input": {"topic": "x"}}
    with httpx.stream("POST", f"{host.base_url}/api/langgraph/runs/stream", json=body) as live:
        live.read()
    with (
        LocalHost(AGENT_APP, store=":memory:") as buffered_host,
        httpx.stream(
            "POST", f"{buffered_host.base_url}/api/langgraph/runs/stream", json=body
        ) as buffered,
    ):
        buffered.read()

    assert live.headers["x-durable-graph-stream"] == "live"
    assert buffered.headers["x-durable-graph-stream"] == "buffered"
    assert live.headers["content-type"].startswith("text/event-stream")


def test_a_live_stream_outlives_a_killed_host(tmp_path: Path) -> None:
    store, log = tmp_path / "store.sqlite", tmp_path / "serve.log"
    gate_folder = tmp_path / "gates"
    gate_folder.mkdir()
    with serve(LIVE_APP, store, log) as (base_url, process), client_of(base_url) as client:
        thread_id = client.threads.create()["thread_id"]
        first_step: list[str] = []
        broken: list[BaseException] = []

        def listen() -> None:
            parts = client.runs.stream(
                thread_id, "gated", input=start(gate_folder), stream_mode=ALL_MODES
            )
            try:
                for part in parts:
                    if part.event == "values" and part.data.get("log") == ["first"]:
                        first_step.append(part.event)
                        process.send_signal(signal.SIGKILL)  # mid-run, the stream open
            except Exception as exc:
                broken.append(exc)

        listener = threading.Thread(target=listen)
        listener.start()
        listener.join(timeout=60)
        process.wait(timeout=10)
        assert first_step and broken, "the host dies under the open live stream"

    with serve(LIVE_APP, store, log) as (base_url, _), client_of(base_url) as client:
        [run] = client.runs.list(thread_id)
        seen = Gates(gate_folder).receive(client.runs.join_stream(thread_id, run["run_id"]))

        assert "error" not in [name for name, _ in seen], seen
        assert seen[-1] == (
            "values",
            {"gates": str(gate_folder), "log": ["first", "second: hello world"]},
        )
        assert client.runs.get(thread_id, run["run_id"])["status"] == "success"


def test_the_js_client_gets_the_same_answers_live_as_buffered(host: LocalHost) -> None:
    live = stripped(normalised(run_script(f"{host.base_url}/api/langgraph")))
    with LocalHost(AGENT_APP, store=":memory:") as buffered_host:
        buffered = stripped(normalised(run_script(f"{buffered_host.base_url}/api/langgraph")))

    live["assistants"] = [a for a in live["assistants"] if a[0] != "gated"]
    assert [event for event, _ in live["stream"]] == ["metadata", "values", "updates", "values"]
    assert live == buffered
