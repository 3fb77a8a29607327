"""The thread's run lock decides which run owns a thread (agent_server/thread_lock.py,
durable/admission.py), through the real local host and LangGraph's own client."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_sync_client
from langgraph_sdk.client import SyncLangGraphClient
from langgraph_sdk.errors import ConflictError

from azure_functions_durable_graph.agent_server.run_start import QUEUE_POLL_SETTING
from azure_functions_durable_graph.durable.admission import PREPARE_ACTIVITY
from azure_functions_durable_graph.local.history import EventType
from azure_functions_durable_graph.testing import LocalHost
from tests.helpers import eventually

CONCURRENT = 6
EVENT_SENT, EVENT_RAISED, TASK_SCHEDULED = (
    EventType.EVENT_SENT,
    EventType.EVENT_RAISED,
    EventType.TASK_SCHEDULED,
)


@pytest.fixture(autouse=True)
def quick_queue(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(QUEUE_POLL_SETTING, "0.3")
    yield


def say(text: str) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": text}]}


def contents(values: dict[str, Any]) -> list[str]:
    return [m["content"] for m in values["messages"]]


def test_of_concurrent_reject_runs_on_an_idle_thread_exactly_one_runs(host: LocalHost) -> None:
    url = f"{host.base_url}/api/langgraph"
    with get_sync_client(url=url, api_key=None) as client:
        thread_id = client.threads.create()["thread_id"]
    start = threading.Barrier(CONCURRENT)
    answers: list[tuple[int, Any]] = []

    def create_one(index: int) -> None:
        body = {"assistant_id": "slow", "input": {"seconds": 1}, "multitask_strategy": "reject"}
        with httpx.Client(base_url=url, timeout=60) as http:
            start.wait()
            reply = http.post(f"/threads/{thread_id}/runs", json=body)
        answers.append((reply.status_code, reply.json()))

    workers = [threading.Thread(target=create_one, args=(i,)) for i in range(CONCURRENT)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    codes = sorted(code for code, _ in answers)
    assert codes == [200] + [409] * (CONCURRENT - 1)
    refused = [body for code, body in answers if code == 409]
    assert all("already running a task" in body["detail"] for body in refused)
    with get_sync_client(url=url, api_key=None) as client:
        runs = client.runs.list(thread_id)
        assert len(runs) == 1
        client.runs.join(thread_id, runs[0]["run_id"])
        assert client.runs.get(thread_id, runs[0]["run_id"])["status"] == "success"
        assert client.threads.get(thread_id)["status"] == "idle"
    assert instances_of(host, thread_id) == [runs[0]["run_id"]]  # refused runs are purged


def instances_of(host: LocalHost, thread_id: str) -> list[str]:
    """The orchestration instances of runs on the thread, as the Durable API lists them."""
    listed = host.get("/runtime/webhooks/durabletask/instances?showInput=true").json()
    return [
        i["instanceId"]
        for i in listed
        if isinstance(i.get("input"), dict) and i["input"].get("thread_id") == thread_id
    ]


def test_enqueue_answers_pending_at_once_and_runs_in_order(client: SyncLangGraphClient) -> None:
    thread_id = client.threads.create()["thread_id"]
    first = client.runs.create(thread_id, "chatbot", input=say("slowly: one"))
    eventually(lambda: client.runs.get(thread_id, first["run_id"])["status"] == "running")

    second = client.runs.create(
        thread_id, "chatbot", input=say("two"), multitask_strategy="enqueue"
    )
    third = client.runs.create(thread_id, "chatbot", input=say("three"))  # enqueue: the default

    assert second["status"] == "pending" and third["status"] == "pending"
    assert client.runs.get(thread_id, first["run_id"])["status"] == "running"
    assert client.runs.get(thread_id, second["run_id"])["status"] == "pending"
    assert client.threads.get(thread_id)["status"] == "busy"
    values = client.runs.join(thread_id, third["run_id"])
    assert contents(values) == [
        "slowly: one",
        "you said 'slowly: one' (turn 1)",
        "two",
        "you said 'two' (turn 2)",
        "three",
        "you said 'three' (turn 3)",
    ]
    statuses = [(r["run_id"], r["status"]) for r in client.runs.list(thread_id)]
    assert statuses == [
        (third["run_id"], "success"),
        (second["run_id"], "success"),
        (first["run_id"], "success"),
    ]
    assert history_of(client, thread_id) == history_of(client, one_after_another(client))


def one_after_another(client: SyncLangGraphClient) -> str:
    """The same three turns, each run after the previous one ended."""
    thread_id = client.threads.create()["thread_id"]
    for text in ("slowly: one", "two", "three"):
        client.runs.wait(thread_id, "chatbot", input=say(text))
    return thread_id


def history_of(client: SyncLangGraphClient, thread_id: str) -> list[Any]:
    return [
        (h["metadata"]["step"], h["metadata"]["source"], h["next"], contents(h["values"]))
        if h["values"]
        else (h["metadata"]["step"], h["metadata"]["source"], h["next"])
        for h in client.threads.get_history(thread_id, limit=100)
    ]


def test_a_reject_run_behind_a_queue_is_refused(client: SyncLangGraphClient) -> None:
    thread_id = client.threads.create()["thread_id"]
    first = client.runs.create(thread_id, "slow", input={"seconds": 1})
    queued = client.runs.create(thread_id, "slow", input={"seconds": 0})

    with pytest.raises(ConflictError, match="already running a task"):
        client.runs.create(thread_id, "slow", input={"seconds": 0}, multitask_strategy="reject")
    assert client.runs.join(thread_id, queued["run_id"]) == {"seconds": 0, "slept": 0}
    assert client.runs.get(thread_id, first["run_id"])["status"] == "success"


def test_a_queued_run_cancelled_never_starts(client: SyncLangGraphClient) -> None:
    thread_id = client.threads.create()["thread_id"]
    client.runs.create(thread_id, "chatbot", input=say("slowly: one"))
    queued = client.runs.create(thread_id, "chatbot", input=say("never"))
    after = client.runs.create(thread_id, "chatbot", input=say("after"))

    client.runs.cancel(thread_id, queued["run_id"])
    values = client.runs.join(thread_id, after["run_id"])

    assert "never" not in contents(values)
    assert contents(values)[-1] == "you said 'after' (turn 2)"
    assert client.runs.get(thread_id, queued["run_id"])["status"] == "interrupted"


def test_an_enqueued_run_supersedes_a_run_waiting_at_an_interrupt(
    client: SyncLangGraphClient,
) -> None:
    thread_id = client.threads.create()["thread_id"]
    first = client.runs.create(thread_id, "reviewer", input={"topic": "owls"})
    queued = client.runs.create(thread_id, "reviewer", input={"topic": "bats"})

    values = client.runs.join(thread_id, queued["run_id"])

    assert values["topic"] == "bats"
    assert [i["value"] for i in values["__interrupt__"]] == [
        {"question": "approve?", "draft": "a draft about bats"}
    ]
    assert client.runs.get(thread_id, first["run_id"])["status"] == "success"
    assert client.threads.get(thread_id)["status"] == "interrupted"
    done = client.runs.wait(thread_id, "reviewer", command={"resume": "yes"})
    assert done["verdict"] == "reviewer said yes"


def stop_from_outside(host: LocalHost, run_id: str) -> None:
    """Terminate a run through the Durable API, behind the Agent Server's back."""
    reply = host.post(f"/runtime/webhooks/durabletask/instances/{run_id}/terminate?reason=ops")
    assert reply.status == 202, reply.text


def test_a_queued_run_starts_after_the_run_ahead_is_stopped_from_outside(
    host: LocalHost, client: SyncLangGraphClient
) -> None:
    thread_id = client.threads.create()["thread_id"]
    first = client.runs.create(thread_id, "slow", input={"seconds": 3})
    queued = client.runs.create(thread_id, "slow", input={"seconds": 0})

    stop_from_outside(host, first["run_id"])

    assert client.runs.join(thread_id, queued["run_id"]) == {"seconds": 0, "slept": 0}
    assert client.runs.get(thread_id, first["run_id"])["status"] == "interrupted"


def test_a_reject_run_is_admitted_after_the_run_ahead_is_stopped_from_outside(
    host: LocalHost, client: SyncLangGraphClient
) -> None:
    thread_id = client.threads.create()["thread_id"]
    first = client.runs.create(thread_id, "slow", input={"seconds": 3})
    eventually(lambda: client.runs.get(thread_id, first["run_id"])["status"] == "running")

    stop_from_outside(host, first["run_id"])
    eventually(lambda: client.threads.get(thread_id)["status"] != "busy")

    again = client.runs.wait(thread_id, "slow", input={"seconds": 0}, multitask_strategy="reject")
    assert again == {"seconds": 0, "slept": 0}


def lock_of(host: LocalHost, thread_id: str) -> dict[str, Any]:
    entity = host.get(f"/runtime/webhooks/durabletask/entities/durable_graph_thread/{thread_id}")
    lock: dict[str, Any] = entity.json()["lock"]
    return lock


def test_a_run_waiting_at_an_interrupt_pauses_the_lock_and_releases_it_at_its_end(
    host: LocalHost, client: SyncLangGraphClient
) -> None:
    thread_id = client.threads.create()["thread_id"]
    run = client.runs.wait(thread_id, "reviewer", input={"topic": "owls"})
    run_id = client.runs.list(thread_id)[0]["run_id"]
    assert "__interrupt__" in run

    eventually(lambda: lock_of(host, thread_id)["paused"])
    assert lock_of(host, thread_id)["active"] == run_id

    client.runs.wait(thread_id, "reviewer", command={"resume": "yes"})
    eventually(lambda: lock_of(host, thread_id)["active"] is None)
    assert lock_of(host, thread_id)["queue"] == []


def test_a_run_that_ends_wakes_the_run_queued_next(
    host: LocalHost, client: SyncLangGraphClient
) -> None:
    thread_id = client.threads.create()["thread_id"]
    first = client.runs.create(thread_id, "slow", input={"seconds": 1})
    queued = client.runs.create(thread_id, "slow", input={"seconds": 0})

    client.runs.join(thread_id, queued["run_id"])

    scheduled = [
        json.loads(e["Input"])
        for e in host.history(first["run_id"])
        if e["EventType"] == TASK_SCHEDULED and e.get("Name") == PREPARE_ACTIVITY
    ]
    assert scheduled == [{"thread_id": thread_id, "wake": queued["run_id"]}]


def test_a_queued_run_continues_as_new_without_the_lock_answers_it_took(
    host: LocalHost, client: SyncLangGraphClient
) -> None:
    thread_id = client.threads.create()["thread_id"]
    client.runs.create(thread_id, "slow", input={"seconds": 1})
    queued = client.runs.create(thread_id, "slow", input={"seconds": 0})

    client.runs.join(thread_id, queued["run_id"])

    history = host.history(queued["run_id"])  # the execution after the continue-as-new
    sent = {json.loads(e["Input"])["id"] for e in history if e["EventType"] == EVENT_SENT}
    raised = [e["Name"] for e in history if e["EventType"] == EVENT_RAISED]
    assert raised and set(raised) <= sent  # only answers to its own requests
