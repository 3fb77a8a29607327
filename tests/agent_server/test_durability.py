"""Threads are durable: kill -9 the host mid-conversation or under an open stream; after a
restart the thread, its history, a paused interrupt and the run that was in flight are all
there."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

from langgraph_sdk import get_sync_client
from langgraph_sdk.client import SyncLangGraphClient

from tests.agent_server.conftest import AGENT_APP
from tests.helpers import eventually
from tests.soak.serving import serve


def client_of(base_url: str) -> SyncLangGraphClient:
    return get_sync_client(url=f"{base_url}/api/langgraph", api_key=None)


def say(text: str) -> dict[str, object]:
    return {"messages": [{"role": "user", "content": text}]}


def test_a_conversation_survives_a_host_killed_during_a_run(tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite"
    log = tmp_path / "serve.log"
    with serve(AGENT_APP, store, log) as (base_url, process), client_of(base_url) as client:
        thread_id = client.threads.create(metadata={"user": "ada"})["thread_id"]
        client.runs.wait(thread_id, "chatbot", input=say("hi"))
        review_id = client.threads.create()["thread_id"]
        client.runs.wait(review_id, "reviewer", input={"topic": "owls"})
        run = client.runs.create(thread_id, "chatbot", input=say("slowly: think"))
        eventually(lambda: client.threads.get(thread_id)["status"] == "busy")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    with serve(AGENT_APP, store, log) as (base_url, _), client_of(base_url) as client:
        values = client.runs.join(thread_id, run["run_id"])
        assert [m["content"] for m in values["messages"]] == [
            "hi",
            "you said 'hi' (turn 1)",
            "slowly: think",
            "you said 'slowly: think' (turn 2)",
        ]
        assert [r["status"] for r in client.runs.list(thread_id)] == ["success", "success"]
        history = client.threads.get_history(thread_id, limit=100)
        assert [h["metadata"]["step"] for h in history] == [4, 3, 2, 1, 0, -1]
        third = client.runs.wait(thread_id, "chatbot", input=say("still there?"))
        assert third["messages"][-1]["content"] == "you said 'still there?' (turn 3)"
        assert client.threads.get(review_id)["status"] == "interrupted"
        done = client.runs.wait(review_id, "reviewer", command={"resume": "after the crash"})
        assert done["verdict"] == "reviewer said after the crash"
        assert thread_id in [t["thread_id"] for t in client.threads.search(limit=100)]


def test_a_streamed_run_outlives_its_stream_when_the_host_is_killed(tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite"
    log = tmp_path / "serve.log"
    with serve(AGENT_APP, store, log) as (base_url, process), client_of(base_url) as client:
        thread_id = client.threads.create()["thread_id"]
        broken: list[BaseException] = []

        def listen() -> None:
            try:
                list(client.runs.stream(thread_id, "chatbot", input=say("slowly: stream")))
            except Exception as exc:  # the host dies under the open stream
                broken.append(exc)

        listener = threading.Thread(target=listen)
        listener.start()
        eventually(lambda: client.threads.get(thread_id)["status"] == "busy")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        listener.join(timeout=30)
        assert broken, "the stream should break with the host"

    with serve(AGENT_APP, store, log) as (base_url, _), client_of(base_url) as client:
        [run] = client.runs.list(thread_id)
        values = client.runs.join(thread_id, run["run_id"])
        assert [m["content"] for m in values["messages"]] == [
            "slowly: stream",
            "you said 'slowly: stream' (turn 1)",
        ]
        assert client.runs.get(thread_id, run["run_id"])["status"] == "success"
