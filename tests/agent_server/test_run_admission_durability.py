"""An enqueued run is durable: kill -9 `durable-graph serve` after the 200 that said
"pending" and before the run could start; after a restart it starts when the run ahead
of it ends, in order, from the values that run left."""

from __future__ import annotations

import signal
from pathlib import Path

from langgraph_sdk import get_sync_client
from langgraph_sdk.client import SyncLangGraphClient

from azure_functions_durable_graph.agent_server.run_start import QUEUE_POLL_SETTING
from tests.agent_server.conftest import AGENT_APP
from tests.helpers import eventually
from tests.soak.serving import serve

QUICK = {QUEUE_POLL_SETTING: "0.3"}


def client_of(base_url: str) -> SyncLangGraphClient:
    return get_sync_client(url=f"{base_url}/api/langgraph", api_key=None)


def say(text: str) -> dict[str, object]:
    return {"messages": [{"role": "user", "content": text}]}


def test_enqueued_runs_survive_a_host_killed_before_they_start(tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite"
    log = tmp_path / "serve.log"
    with serve(AGENT_APP, store, log, env=QUICK) as (base_url, process):
        with client_of(base_url) as client:
            thread_id = client.threads.create()["thread_id"]
            first = client.runs.create(thread_id, "chatbot", input=say("slowly: one"))
            eventually(lambda: client.runs.get(thread_id, first["run_id"])["status"] == "running")
            second = client.runs.create(thread_id, "chatbot", input=say("two"))
            third = client.runs.create(thread_id, "chatbot", input=say("three"))
            assert (second["status"], third["status"]) == ("pending", "pending")
            assert client.runs.get(thread_id, first["run_id"])["status"] == "running"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    with serve(AGENT_APP, store, log, env=QUICK) as (base_url, _), client_of(base_url) as client:
        values = client.runs.join(thread_id, third["run_id"])
        assert [m["content"] for m in values["messages"]] == [
            "slowly: one",
            "you said 'slowly: one' (turn 1)",
            "two",
            "you said 'two' (turn 2)",
            "three",
            "you said 'three' (turn 3)",
        ]
        runs = client.runs.list(thread_id)
        assert [r["run_id"] for r in runs] == [third["run_id"], second["run_id"], first["run_id"]]
        assert [r["status"] for r in runs] == ["success"] * 3
        assert client.threads.get(thread_id)["status"] == "idle"
