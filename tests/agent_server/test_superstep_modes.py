"""The tasks, checkpoints and debug stream modes and stream_subgraphs, through LangGraph's
Python client on the local host (test_differential compares them with `langgraph dev`)."""

from __future__ import annotations

from typing import Any

from langgraph_sdk.client import SyncLangGraphClient

from tests.agent_server.modes_scenario import ids_agree


def events(parts: Any) -> list[tuple[str, Any]]:
    return [(p.event, p.data) for p in parts]


def test_debug_wraps_each_checkpoint_and_task_with_its_step(client: SyncLangGraphClient) -> None:
    thread_id = client.threads.create()["thread_id"]

    streamed = events(
        client.runs.stream(thread_id, "reviewer", input={"topic": "x"}, stream_mode="debug")
    )

    debug = [data for name, data in streamed if name == "debug"]
    assert [(d["type"], d["step"]) for d in debug] == [
        ("checkpoint", -1),
        ("checkpoint", 0),
        ("task", 1),
        ("task_result", 1),
        ("checkpoint", 1),
        ("task", 2),
        ("task_result", 2),
    ]
    assert all(isinstance(d["timestamp"], str) for d in debug)
    first, start = debug[0]["payload"], debug[1]["payload"]
    assert first["checkpoint"]["checkpoint_id"] == first["config"]["configurable"]["checkpoint_id"]
    assert first["parent_checkpoint"] is None
    assert start["parent_checkpoint"] == first["checkpoint"]
    assert start["next"] == ["write"]
    assert start["values"] == {"topic": "x"}
    write, written = debug[2]["payload"], debug[3]["payload"]
    assert write["id"] == written["id"] == start["tasks"][0]["id"]
    assert write["input"] == {"topic": "x"}
    assert written["result"] == {"draft": "a draft about x"}
    [asked] = debug[-1]["payload"]["interrupts"]
    assert asked["value"] == {"question": "approve?", "draft": "a draft about x"}


def test_streamed_checkpoint_and_task_ids_are_the_threads_history(
    client: SyncLangGraphClient,
) -> None:
    assert ids_agree(client) == {
        "every_checkpoint_listed": True,
        "every_listed_checkpoint_streamed": True,
        "parents_as_listed": True,
        "task_ids_as_listed": True,
        "checkpoint_tasks_as_listed": True,
    }


def test_a_resume_opens_with_the_checkpoint_it_resumes(client: SyncLangGraphClient) -> None:
    thread_id = client.threads.create()["thread_id"]
    client.runs.wait(thread_id, "reviewer", input={"topic": "x"})
    paused = client.threads.get_state(thread_id)

    resumed = events(
        client.runs.stream(
            thread_id, "reviewer", command={"resume": "ok"}, stream_mode="checkpoints"
        )
    )

    first = resumed[1][1]
    assert first["config"]["configurable"]["checkpoint_id"] == paused["checkpoint_id"]
    assert first["next"] == ["review"]
    [task] = first["tasks"]
    assert [i["value"] for i in task["interrupts"]] == [
        {"question": "approve?", "draft": "a draft about x"}
    ]
    assert first["metadata"]["run_id"] != resumed[0][1]["run_id"]  # the run that paused
    assert [p["metadata"]["step"] for _, p in resumed[1:]] == [1, 2, 3]


def test_a_failed_tasks_result_carries_the_error(client: SyncLangGraphClient) -> None:
    thread_id = client.threads.create()["thread_id"]

    streamed = events(
        client.runs.stream(thread_id, "failer", input={"topic": "x"}, stream_mode="tasks")
    )

    assert [name for name, _ in streamed] == ["metadata", "tasks", "tasks", "error"]
    assert streamed[2][1]["error"] == {"error": "ValueError", "message": "cannot handle 'x'"}
    state = client.threads.get_state(thread_id)
    assert state["next"] == ["fail"]
    assert state["tasks"][0]["error"] == "ValueError(\"cannot handle 'x'\")"
    assert state["tasks"][0]["id"] == streamed[1][1]["id"]


def test_subgraph_steps_stream_under_the_parent_tasks_namespace(
    client: SyncLangGraphClient,
) -> None:
    thread_id = client.threads.create()["thread_id"]

    streamed = events(
        client.runs.stream(
            thread_id,
            "nested",
            input={"topic": "owls"},
            stream_mode="updates",
            stream_subgraphs=True,
        )
    )

    history = client.threads.get_history(thread_id)
    writer = next(t["id"] for h in history for t in h["tasks"] if t["name"] == "writer")
    namespace = f"writer:{writer}"
    inner = streamed[3][0].removeprefix(f"updates|{namespace}|")  # polish:<its task id>
    polished = {"topic": "owls", "text": "outline of owls, drafted, polished"}
    assert streamed[1:] == [
        ("updates", {"outline": {"text": "outline of owls"}}),
        (f"updates|{namespace}", {"draft": {"text": "outline of owls, drafted"}}),
        (f"updates|{namespace}|{inner}", {"shine": {"text": polished["text"]}}),
        (f"updates|{namespace}", {"polish": polished}),
        ("updates", {"writer": polished}),
    ]
    assert inner.startswith("polish:")


def test_without_stream_subgraphs_a_subgraph_is_one_update(client: SyncLangGraphClient) -> None:
    streamed = events(
        client.runs.stream(None, "nested", input={"topic": "owls"}, stream_mode="updates")
    )

    assert [name for name, _ in streamed] == ["metadata", "updates", "updates"]


def test_what_a_subgraph_node_writes_is_sent_in_its_namespace_only(
    client: SyncLangGraphClient,
) -> None:
    quiet = events(
        client.runs.stream(None, "nested", input={"topic": "owls"}, stream_mode="custom")
    )
    loud = events(
        client.runs.stream(
            None, "nested", input={"topic": "owls"}, stream_mode="custom", stream_subgraphs=True
        )
    )

    assert [name for name, _ in quiet] == ["metadata"]
    [(name, data)] = loud[1:]
    assert name.startswith("custom|writer:")
    assert data == {"drafting": "owls"}


def test_a_subgraphs_checkpoints_name_its_parents_checkpoints(client: SyncLangGraphClient) -> None:
    thread_id = client.threads.create()["thread_id"]

    streamed = events(
        client.runs.stream(
            thread_id,
            "nested",
            input={"topic": "owls"},
            stream_mode="checkpoints",
            stream_subgraphs=True,
        )
    )

    root = [d for name, d in streamed if name == "checkpoints"]
    child = [(name, d) for name, d in streamed if name.count("|") == 1]
    grandchild = [d for name, d in streamed if name.count("|") == 2]
    [namespace] = {name.split("|", 1)[1] for name, _ in child}
    assert root[2]["tasks"][0]["state"]["configurable"]["checkpoint_ns"] == namespace
    before_writer = root[2]["config"]["configurable"]["checkpoint_id"]
    assert [d["metadata"]["step"] for _, d in child] == [-1, 0, 1, 2]
    assert all(d["metadata"]["parents"] == {"": before_writer} for _, d in child)
    last = child[-1][1]["config"]["configurable"]
    assert last["checkpoint_ns"] == namespace
    assert last["checkpoint_map"] == {"": before_writer, namespace: last["checkpoint_id"]}
    assert child[-1][1]["values"] == {"topic": "owls", "text": "outline of owls, drafted, polished"}
    before_polish = child[2][1]["config"]["configurable"]["checkpoint_id"]
    assert [d["metadata"]["step"] for d in grandchild] == [-1, 0, 1]
    assert all(
        d["metadata"]["parents"] == {"": before_writer, namespace: before_polish}
        for d in grandchild
    )
