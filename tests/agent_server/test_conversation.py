"""A multi-turn chat on one thread: each run starts from the thread's messages (add_messages)."""

from __future__ import annotations

from langgraph_sdk.client import SyncLangGraphClient

from azure_functions_durable_graph.testing import LocalHost


def say(text: str) -> dict[str, object]:
    return {"messages": [{"role": "user", "content": text}]}


def contents(values: dict[str, object]) -> list[str]:
    messages = values["messages"]
    assert isinstance(messages, list)
    return [m["content"] for m in messages]


def test_a_chat_keeps_its_conversation_across_runs(client: SyncLangGraphClient) -> None:
    thread_id = client.threads.create()["thread_id"]

    first = client.runs.wait(thread_id, "chatbot", input=say("hi"))
    second = client.runs.wait(thread_id, "chatbot", input=say("and again"))

    assert contents(first) == ["hi", "you said 'hi' (turn 1)"]
    assert contents(second) == [
        "hi",
        "you said 'hi' (turn 1)",
        "and again",
        "you said 'and again' (turn 2)",
    ]
    thread = client.threads.get(thread_id)
    assert thread["status"] == "idle"
    assert thread["metadata"]["graph_id"] == "chatbot"
    assert contents(thread["values"]) == contents(second)


def test_the_state_and_history_show_every_checkpoint_newest_first(
    client: SyncLangGraphClient,
) -> None:
    thread_id = client.threads.create()["thread_id"]
    client.runs.wait(thread_id, "chatbot", input=say("one"))
    client.runs.wait(thread_id, "chatbot", input=say("two"))

    state = client.threads.get_state(thread_id)
    history = client.threads.get_history(thread_id, limit=100)

    assert state["next"] == []
    assert state["metadata"]["step"] == 4
    assert state["checkpoint"]["checkpoint_id"] == history[0]["checkpoint_id"]
    # LangGraph's checkpoints of two one-node runs: input, after input, after the node.
    assert [(h["metadata"]["source"], h["metadata"]["step"], h["next"]) for h in history] == [
        ("loop", 4, []),
        ("loop", 3, ["chat"]),
        ("input", 2, ["__start__"]),
        ("loop", 1, []),
        ("loop", 0, ["chat"]),
        ("input", -1, ["__start__"]),
    ]
    assert [len(h["values"].get("messages", [])) for h in history] == [4, 3, 2, 2, 1, 0]
    parents = [h["parent_checkpoint"]["checkpoint_id"] for h in history[:-1]]
    assert parents == [h["checkpoint_id"] for h in history[1:]]
    assert len(client.threads.get_history(thread_id, limit=2)) == 2


def test_a_run_from_an_earlier_checkpoint_forks_the_conversation(
    client: SyncLangGraphClient,
) -> None:
    thread_id = client.threads.create()["thread_id"]
    client.runs.wait(thread_id, "chatbot", input=say("one"))
    client.runs.wait(thread_id, "chatbot", input=say("two"))
    after_first = client.threads.get_history(thread_id, limit=100)[3]
    assert contents(after_first["values"]) == ["one", "you said 'one' (turn 1)"]

    forked = client.runs.wait(
        thread_id, "chatbot", input=say("instead"), checkpoint_id=after_first["checkpoint_id"]
    )

    assert contents(forked) == [
        "one",
        "you said 'one' (turn 1)",
        "instead",
        "you said 'instead' (turn 2)",
    ]


def test_update_state_writes_through_the_reducers_as_a_node(client: SyncLangGraphClient) -> None:
    thread_id = client.threads.create()["thread_id"]
    client.runs.wait(thread_id, "chatbot", input=say("one"))

    client.threads.update_state(
        thread_id, {"messages": [{"role": "ai", "content": "an aside"}]}, as_node="chat"
    )

    state = client.threads.get_state(thread_id)
    assert contents(state["values"])[-1] == "an aside"
    assert state["metadata"]["source"] == "update"
    reply = client.runs.wait(thread_id, "chatbot", input=say("two"))
    assert contents(reply)[-2:] == ["two", "you said 'two' (turn 2)"]


def test_the_thread_entity_keeps_one_copy_of_the_values(
    client: SyncLangGraphClient, host: LocalHost
) -> None:
    thread_id = client.threads.create()["thread_id"]
    for turn in ("one", "two", "three"):
        client.runs.wait(thread_id, "chatbot", input=say(turn))

    entity = host.get(f"/runtime/webhooks/durabletask/entities/durable_graph_thread/{thread_id}")

    runs = entity.json()["record"]["timeline"]
    assert [("values_before" in r, "checkpoint" in r) for r in runs] == [
        (True, False),
        (False, True),
        (True, False),
    ]
    history = client.threads.get_history(thread_id, limit=100)
    assert [
        len(h["values"]["messages"]) for h in history if h["metadata"]["source"] == "input"
    ] == [
        4,
        2,
        0,
    ]
