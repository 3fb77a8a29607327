"""The superstep stream modes (tasks, checkpoints, debug) in one client script, run against
`langgraph dev` and against the local host (test_differential).

Besides what `scenario.normalised` leaves out (ids, timestamps), a checkpoint's `config`
keeps only its namespace (the rest is each server's bookkeeping: request ids, auth
user, request start time) and a debug event its step, type and payload.
"""

from __future__ import annotations

from typing import Any

from langgraph_sdk.client import SyncLangGraphClient

from tests.agent_server.scenario import normalised, say, streamed

SUPERSTEP_MODES = ["tasks", "checkpoints", "debug"]


def comparable(events: list[Any]) -> list[Any]:
    """The events with what each server makes up itself left out (the task ids in a
    subgraph's namespace too: `values|writer:<task id>` reads `values|writer`)."""
    return normalised([[_unnamed(name), _cut(data)] for name, data in events])


def _unnamed(event: str) -> str:
    return "|".join(part.split(":", 1)[0] for part in event.split("|"))


def _cut(value: Any) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in ("config", "parent_config"):
                item = _namespace(item)
            elif key == "checkpoint_ns" and isinstance(item, str):
                item = _unnamed(item)
            elif key == "timestamp":
                item = isinstance(item, str) and bool(item)
            out[key] = _cut(item)
        return out
    if isinstance(value, list):
        return [_cut(v) for v in value]
    return value


def _namespace(config: Any) -> Any:
    if not isinstance(config, dict):
        return config
    namespace = (config.get("configurable") or {}).get("checkpoint_ns")
    return {"checkpoint_ns": _unnamed(namespace) if isinstance(namespace, str) else namespace}


def run_modes_scenario(client: SyncLangGraphClient) -> dict[str, Any]:
    """The transcript: what each stream sent."""
    out: dict[str, Any] = {}
    # Two turns of a chat: the second run's checkpoints continue the first's steps.
    chat = client.threads.create()["thread_id"]
    out["chat_turn_1"] = comparable(
        streamed(client.runs.stream(chat, "chatbot", input=say("hi"), stream_mode="debug"))
    )
    out["chat_turn_2"] = comparable(
        streamed(
            client.runs.stream(
                chat, "chatbot", input=say("again"), stream_mode=["checkpoints", "values"]
            )
        )
    )
    # An interrupt, then its resume (which re-sends the checkpoint it resumes).
    review = client.threads.create()["thread_id"]
    out["review"] = comparable(
        streamed(
            client.runs.stream(
                review,
                "reviewer",
                input={"topic": "owls"},
                stream_mode=[*SUPERSTEP_MODES, "updates", "values"],
            )
        )
    )
    out["review_resume"] = comparable(
        streamed(
            client.runs.stream(
                review,
                "reviewer",
                command={"resume": "yes"},
                stream_mode=[*SUPERSTEP_MODES, "updates"],
            )
        )
    )
    # A failing node: its task's result carries the error.
    failing = client.threads.create()["thread_id"]
    out["failed"] = comparable(
        streamed(
            client.runs.stream(
                failing, "failer", input={"topic": "x"}, stream_mode=["tasks", "checkpoints"]
            )
        )
    )
    # What nodes publish comes between a task's start and its result.
    out["streamer"] = comparable(
        streamed(
            client.runs.stream(
                None, "streamer", input=say("a b"), stream_mode=["tasks", "custom", "updates"]
            )
        )
    )
    # A subgraph node's own steps, namespaced (stream_subgraphs), what its nodes write.
    out["subgraph"] = comparable(
        streamed(
            client.runs.stream(
                None,
                "nested",
                input={"topic": "owls"},
                stream_mode=["values", "updates", "tasks", "custom"],
                stream_subgraphs=True,
            )
        )
    )
    nested = client.threads.create()["thread_id"]  # a stateless run has no checkpoints
    out["subgraph_checkpoints"] = comparable(
        streamed(
            client.runs.stream(
                nested,
                "nested",
                input={"topic": "owls"},
                stream_mode=["checkpoints", "debug"],
                stream_subgraphs=True,
            )
        )
    )
    out["subgraph_not_streamed"] = comparable(
        streamed(
            client.runs.stream(
                nested, "nested", input={"topic": "owls"}, stream_mode=["custom", "checkpoints"]
            )
        )
    )
    out["stateless_has_no_checkpoints"] = comparable(
        streamed(
            client.runs.stream(
                None, "reviewer", input={"topic": "owls"}, stream_mode=["checkpoints", "debug"]
            )
        )
    )
    out["stateless_kept_has_checkpoints"] = comparable(
        streamed(
            client.runs.stream(
                None,
                "reviewer",
                input={"topic": "owls"},
                stream_mode=["checkpoints"],
                on_completion="keep",
            )
        )
    )
    out["ids"] = ids_agree(client)
    return out


def ids_agree(client: SyncLangGraphClient) -> dict[str, bool]:
    """Whether the streamed checkpoint and task ids are those the thread's history lists."""
    thread = client.threads.create()["thread_id"]
    events = streamed(
        client.runs.stream(
            thread, "reviewer", input={"topic": "ids"}, stream_mode=["checkpoints", "tasks"]
        )
    )
    events += streamed(
        client.runs.stream(
            thread, "reviewer", command={"resume": "ok"}, stream_mode=["checkpoints", "tasks"]
        )
    )
    history = client.threads.get_history(thread, limit=100)
    listed = {h["checkpoint_id"]: h for h in history}
    points = [d for n, d in events if n == "checkpoints"]
    streamed_ids = [p["config"]["configurable"]["checkpoint_id"] for p in points]
    parents = [
        (p["parent_config"] or {}).get("configurable", {}).get("checkpoint_id") for p in points
    ]
    task_ids = {d["id"] for n, d in events if n == "tasks"}
    history_task_ids = {t["id"] for h in history for t in h["tasks"] if t["name"] != "__start__"}
    return {
        "every_checkpoint_listed": all(c in listed for c in streamed_ids),
        "every_listed_checkpoint_streamed": set(listed) <= set(streamed_ids),
        "parents_as_listed": all(
            listed[c]["parent_checkpoint_id"] == p
            for c, p in zip(streamed_ids, parents, strict=True)
        ),
        "task_ids_as_listed": task_ids == history_task_ids,
        "checkpoint_tasks_as_listed": all(
            [t["id"] for t in p["tasks"]] == [t["id"] for t in listed[c]["tasks"]]
            for c, p in zip(streamed_ids, points, strict=True)
        ),
    }
