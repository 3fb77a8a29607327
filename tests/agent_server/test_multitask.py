"""A second run on a busy thread: LangGraph's multitask strategies, and run cancel/delete."""

from __future__ import annotations

import pytest
from langgraph_sdk.client import SyncLangGraphClient
from langgraph_sdk.errors import ConflictError, NotFoundError, UnprocessableEntityError

from tests.helpers import eventually


def busy_thread(client: SyncLangGraphClient, seconds: float = 5) -> tuple[str, str]:
    thread_id = client.threads.create()["thread_id"]
    run = client.runs.create(thread_id, "slow", input={"seconds": seconds})
    eventually(lambda: client.threads.get(thread_id)["status"] == "busy")
    return thread_id, run["run_id"]


def test_reject_refuses_a_run_while_one_is_running(client: SyncLangGraphClient) -> None:
    thread_id, _ = busy_thread(client, 1)

    with pytest.raises(ConflictError, match="already running a task"):
        client.runs.create(thread_id, "slow", input={"seconds": 0}, multitask_strategy="reject")


def test_enqueue_starts_the_run_after_the_running_one(client: SyncLangGraphClient) -> None:
    thread_id, first = busy_thread(client, 0.5)

    second = client.runs.wait(thread_id, "slow", input={"seconds": 0}, multitask_strategy="enqueue")

    assert second == {"seconds": 0, "slept": 0}
    assert client.runs.get(thread_id, first)["status"] == "success"


def test_interrupt_stops_the_running_run_and_keeps_it_listed(client: SyncLangGraphClient) -> None:
    thread_id, first = busy_thread(client)

    client.runs.wait(thread_id, "slow", input={"seconds": 0}, multitask_strategy="interrupt")

    assert [r["status"] for r in client.runs.list(thread_id)] == ["success", "interrupted"]
    assert client.runs.get(thread_id, first)["status"] == "interrupted"


def test_rollback_stops_the_running_run_and_forgets_it(client: SyncLangGraphClient) -> None:
    thread_id, first = busy_thread(client)

    client.runs.wait(thread_id, "slow", input={"seconds": 0}, multitask_strategy="rollback")

    assert [r["run_id"] for r in client.runs.list(thread_id)] != [first]
    assert len(client.runs.list(thread_id)) == 1
    with pytest.raises(NotFoundError):
        client.runs.get(thread_id, first)


def test_cancel_interrupts_a_running_run_and_delete_forgets_it(
    client: SyncLangGraphClient,
) -> None:
    thread_id, run_id = busy_thread(client)

    client.runs.cancel(thread_id, run_id)

    assert client.runs.get(thread_id, run_id)["status"] == "interrupted"
    with pytest.raises(ConflictError):
        client.runs.cancel(thread_id, run_id)
    client.runs.delete(thread_id, run_id)
    assert client.runs.list(thread_id) == []


def test_bad_requests_get_langgraphs_status_codes(client: SyncLangGraphClient) -> None:
    thread_id = client.threads.create()["thread_id"]

    with pytest.raises(UnprocessableEntityError, match="Invalid assistant"):
        client.runs.create(thread_id, "nope", input={})
    with pytest.raises(UnprocessableEntityError, match="stream_mode"):
        client.runs.create(thread_id, "chatbot", input={}, stream_mode="bogus")  # type: ignore[arg-type]
    with pytest.raises(NotFoundError, match="Thread or assistant not found"):
        client.runs.create("8c1b8a6e-9b5e-4c59-b0f1-1d5e8d1f0a11", "chatbot", input={})
    with pytest.raises(NotFoundError):
        client.runs.get(thread_id, "8c1b8a6e-9b5e-4c59-b0f1-1d5e8d1f0a11")
    with pytest.raises(UnprocessableEntityError, match="command"):
        client.runs.create(thread_id, "reviewer", command={"bogus": 1})  # type: ignore[typeddict-unknown-key]
