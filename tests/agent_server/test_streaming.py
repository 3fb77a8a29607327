"""Streams (SSE) through LangGraph's client: values, updates, metadata, error; join and join_stream.

Events come when the run has ended or paused (see docs/agent-server-api.md, Streaming).
"""

from __future__ import annotations

from typing import Any

from langgraph_sdk.client import SyncLangGraphClient


def events(parts: Any) -> list[tuple[str, Any]]:
    return [(p.event, p.data) for p in parts]


def test_values_and_updates_come_in_langgraphs_order(client: SyncLangGraphClient) -> None:
    thread_id = client.threads.create()["thread_id"]

    streamed = events(
        client.runs.stream(
            thread_id, "reviewer", input={"topic": "x"}, stream_mode=["values", "updates"]
        )
    )

    assert streamed[0][0] == "metadata"
    assert set(streamed[0][1]) == {"run_id", "attempt"}
    [pause] = streamed[-1][1]["__interrupt__"]
    assert streamed[1:] == [
        ("values", {"topic": "x"}),
        ("updates", {"write": {"draft": "a draft about x"}}),
        ("values", {"topic": "x", "draft": "a draft about x"}),
        ("updates", {"__interrupt__": [pause]}),
        ("values", {"topic": "x", "draft": "a draft about x", "__interrupt__": [pause]}),
    ]

    resumed = events(client.runs.stream(thread_id, "reviewer", command={"resume": "ok"}))

    assert [name for name, _ in resumed] == ["metadata", "values", "values", "values"]
    assert resumed[1][1] == {"topic": "x", "draft": "a draft about x"}
    assert resumed[-1][1]["draft"] == "a draft about x [reviewer said ok]"


def test_an_update_shows_what_the_node_returned(client: SyncLangGraphClient) -> None:
    thread_id = client.threads.create()["thread_id"]
    client.runs.wait(thread_id, "chatbot", input={"messages": [{"role": "user", "content": "a"}]})

    streamed = events(
        client.runs.stream(
            thread_id,
            "chatbot",
            input={"messages": [{"role": "user", "content": "b"}]},
            stream_mode="updates",
        )
    )

    [(name, update)] = streamed[1:]
    assert name == "updates"
    assert [m["content"] for m in update["chat"]["messages"]] == ["you said 'b' (turn 2)"]


def test_a_failed_run_ends_its_stream_with_an_error_event(client: SyncLangGraphClient) -> None:
    thread_id = client.threads.create()["thread_id"]

    streamed = events(client.runs.stream(thread_id, "failer", input={"topic": "x"}))

    assert streamed[1:] == [
        ("values", {"topic": "x"}),
        ("error", {"error": "ValueError", "message": "cannot handle 'x'"}),
    ]
    thread = client.threads.get(thread_id)
    assert thread["status"] == "error"
    assert thread["error"] == {"error": "ValueError", "message": "cannot handle 'x'"}


def test_a_background_run_is_joined_and_its_stream_rejoined(client: SyncLangGraphClient) -> None:
    thread_id = client.threads.create()["thread_id"]

    run = client.runs.create(thread_id, "slow", input={"seconds": 0.5}, stream_mode="values")
    streamed = events(client.runs.join_stream(thread_id, run["run_id"]))
    joined = client.runs.join(thread_id, run["run_id"])

    assert run["status"] == "pending"
    assert streamed[-1] == ("values", {"seconds": 0.5, "slept": 0.5})
    assert joined == {"seconds": 0.5, "slept": 0.5}
    assert client.runs.get(thread_id, run["run_id"])["status"] == "success"
    assert events(client.runs.join_stream(thread_id, run["run_id"])) == []


def test_a_stateless_run_gets_a_thread_of_its_own(client: SyncLangGraphClient) -> None:
    answer = client.runs.wait(
        None, "chatbot", input={"messages": [{"role": "user", "content": "solo"}]}
    )
    run = client.runs.create(None, "slow", input={"seconds": 0})

    assert [m["content"] for m in answer["messages"]] == ["solo", "you said 'solo' (turn 1)"]
    assert client.runs.join(run["thread_id"], run["run_id"]) == {"seconds": 0, "slept": 0}


def test_a_nodes_stream_writer_sends_custom_events_before_its_update(
    client: SyncLangGraphClient,
) -> None:
    streamed = events(
        client.runs.stream(
            None,
            "streamer",
            input={"messages": [{"role": "user", "content": "hello there"}]},
            stream_mode=["custom", "updates"],
        )
    )

    assert [name for name, _ in streamed] == [
        "metadata",
        "custom",
        "custom",
        "custom",
        "updates",
        "updates",
    ]
    assert [data for name, data in streamed if name == "custom"] == [
        {"done": 1, "of": 3},
        {"done": 2, "of": 3},
        {"done": 3, "of": 3},
    ]
    assert streamed[4][1] == {"progress": None}


def test_a_chat_models_tokens_come_as_messages_tuples(client: SyncLangGraphClient) -> None:
    streamed = events(
        client.runs.stream(
            None,
            "streamer",
            input={"messages": [{"role": "user", "content": "hello there"}]},
            stream_mode="messages-tuple",
        )
    )

    messages = [data for name, data in streamed if name == "messages"]
    # As `langgraph dev` sends them: the tokens, the model's closing (empty) chunk, and
    # the message the node returned.
    assert [m["content"] for m, _ in messages] == ["hello ", "there ", "", "hello there"]
    assert [m["type"] for m, _ in messages] == ["AIMessageChunk"] * 3 + ["ai"]
    assert messages[2][0]["chunk_position"] == "last"
    assert messages[3][0]["id"] == "answer"
    assert {meta["langgraph_node"] for _, meta in messages} == {"speak"}
    assert {meta["langgraph_step"] for _, meta in messages} == {2}


def test_modes_the_run_did_not_ask_for_send_nothing(client: SyncLangGraphClient) -> None:
    streamed = events(
        client.runs.stream(
            None,
            "streamer",
            input={"messages": [{"role": "user", "content": "hi"}]},
            stream_mode="updates",
        )
    )

    assert [name for name, _ in streamed] == ["metadata", "updates", "updates"]


def test_messages_mode_sends_each_message_so_far_as_langgraph_does(
    client: SyncLangGraphClient,
) -> None:
    streamed = events(
        client.runs.stream(
            None,
            "streamer",
            input={"messages": [{"role": "user", "content": "hello there"}]},
            stream_mode="messages",
        )
    )

    names = [name for name, _ in streamed]
    assert names == [
        "metadata",
        "messages/metadata",
        "messages/partial",
        "messages/partial",
        "messages/partial",
        "messages/metadata",
        "messages/complete",
    ]
    so_far = [data[0]["content"] for name, data in streamed if name == "messages/partial"]
    assert so_far == ["hello ", "hello there ", "hello there "]
    assert streamed[-1][1][0]["content"] == "hello there"
    assert streamed[-1][1][0]["id"] == "answer"


def test_a_resumed_run_streams_what_its_nodes_write_after_the_resume(
    client: SyncLangGraphClient,
) -> None:
    thread_id = client.threads.create()["thread_id"]
    paused = events(
        client.runs.stream(thread_id, "reviewer", input={"topic": "x"}, stream_mode="custom")
    )

    resumed = events(
        client.runs.stream(
            thread_id, "reviewer", command={"resume": "ok"}, stream_mode=["custom", "updates"]
        )
    )

    assert [name for name, _ in paused] == ["metadata"]
    assert resumed[1:] == [
        ("updates", {"review": {"verdict": "reviewer said ok"}}),
        ("custom", {"publishing": "reviewer said ok"}),
        ("updates", {"publish": {"draft": "a draft about x [reviewer said ok]"}}),
    ]
