"""Threads through LangGraph's client: create, get, search, update, copy, delete, errors."""

from __future__ import annotations

import uuid

import pytest
from langgraph_sdk.client import SyncLangGraphClient
from langgraph_sdk.errors import ConflictError, NotFoundError, UnprocessableEntityError

HI = {"messages": [{"role": "user", "content": "hi"}]}


def test_a_new_thread_is_idle_and_empty(client: SyncLangGraphClient) -> None:
    thread = client.threads.create(metadata={"user": "ada"})

    assert thread["status"] == "idle"
    assert thread["values"] is None
    assert thread["metadata"] == {"user": "ada"}
    assert client.threads.get(thread["thread_id"])["metadata"] == {"user": "ada"}
    assert client.threads.get_state(thread["thread_id"])["values"] == {}


def test_a_thread_id_is_taken_once_unless_if_exists_says_do_nothing(
    client: SyncLangGraphClient,
) -> None:
    thread_id = str(uuid.uuid4())
    client.threads.create(thread_id=thread_id, metadata={"n": 1})

    with pytest.raises(ConflictError, match="already exists"):
        client.threads.create(thread_id=thread_id)
    again = client.threads.create(thread_id=thread_id, if_exists="do_nothing", metadata={"n": 2})
    assert again["metadata"] == {"n": 1}


def test_unknown_and_malformed_thread_ids_are_langgraphs_404_and_422(
    client: SyncLangGraphClient,
) -> None:
    with pytest.raises(NotFoundError, match="not found"):
        client.threads.get(str(uuid.uuid4()))
    with pytest.raises(UnprocessableEntityError, match="must be a UUID"):
        client.threads.get("not-a-uuid")


def test_update_merges_metadata_and_search_filters_on_it(client: SyncLangGraphClient) -> None:
    tag = uuid.uuid4().hex
    thread = client.threads.create(metadata={"tag": tag})
    other = client.threads.create(metadata={"tag": "other"})

    client.threads.update(thread["thread_id"], metadata={"stage": "done"})

    found = client.threads.search(metadata={"tag": tag})
    assert [t["thread_id"] for t in found] == [thread["thread_id"]]
    assert found[0]["metadata"] == {"tag": tag, "stage": "done"}
    assert other["thread_id"] not in [t["thread_id"] for t in found]
    assert client.threads.count(metadata={"tag": tag}) == 1


def test_search_filters_on_status(client: SyncLangGraphClient) -> None:
    thread = client.threads.create()
    client.runs.wait(thread["thread_id"], "reviewer", input={"topic": "status"})

    interrupted = client.threads.search(status="interrupted", limit=100)

    assert thread["thread_id"] in [t["thread_id"] for t in interrupted]
    assert all(t["status"] == "interrupted" for t in interrupted)


def test_a_deleted_thread_is_gone(client: SyncLangGraphClient) -> None:
    thread = client.threads.create()
    client.runs.wait(thread["thread_id"], "chatbot", input=HI)

    client.threads.delete(thread["thread_id"])

    with pytest.raises(NotFoundError):
        client.threads.get(thread["thread_id"])
    with pytest.raises(NotFoundError):
        client.threads.delete(thread["thread_id"])
    assert thread["thread_id"] not in [t["thread_id"] for t in client.threads.search(limit=1000)]


def test_a_copy_carries_the_values_and_goes_on_alone(client: SyncLangGraphClient) -> None:
    thread = client.threads.create(metadata={"who": "source"})
    client.runs.wait(thread["thread_id"], "chatbot", input=HI)

    copy = client.threads.copy(thread["thread_id"])
    client.runs.wait(
        copy["thread_id"], "chatbot", input={"messages": [{"role": "user", "content": "more"}]}
    )

    assert copy["metadata"]["who"] == "source"
    source_values = client.threads.get_state(thread["thread_id"])["values"]
    copied_values = client.threads.get_state(copy["thread_id"])["values"]
    assert len(source_values["messages"]) == 2
    assert [m["content"] for m in copied_values["messages"]] == [
        "hi",
        "you said 'hi' (turn 1)",
        "more",
        "you said 'more' (turn 2)",
    ]
