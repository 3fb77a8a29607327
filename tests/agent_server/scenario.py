"""One client script, run against `langgraph dev` and against the local host (test_differential).

Every answer goes through `normalised`: ids and timestamps out (each server makes its
own), the rest kept, so the two transcripts must be equal.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
from langgraph_sdk.client import SyncLangGraphClient

#: Keys whose values each server makes up itself.
VOLATILE = frozenset(
    {
        "id",
        "run_id",
        "thread_id",
        "assistant_id",
        "checkpoint_id",
        "parent_checkpoint_id",
        "checkpoint",
        "parent_checkpoint",
        "created_at",
        "updated_at",
        "state_updated_at",
        "response_schema",
    }
)
#: The checkpoint metadata both servers must agree on (the rest is server bookkeeping).
METADATA_KEYS = ("source", "step", "graph_id", "user")


def normalised(value: Any) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in VOLATILE:
                continue
            if key == "metadata" and isinstance(item, dict):
                item = {k: item[k] for k in METADATA_KEYS if k in item}
            if key == "interrupts" and isinstance(item, dict):  # keyed by task id
                item = sorted(item.values(), key=repr)
            out[key] = normalised(item)
        return out
    if isinstance(value, list):
        return [normalised(v) for v in value]
    return value


def say(text: str) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": text}]}


def streamed(parts: Any) -> list[Any]:
    return [[p.event, p.data] for p in parts]


#: The metadata of a `messages` event both servers must agree on (the rest names the
#: server, its versions, and the task's id).
MESSAGE_METADATA_KEYS = (
    "langgraph_node",
    "langgraph_step",
    "langgraph_triggers",
    "langgraph_path",
    "graph_id",
    "created_by",
    "run_attempt",
    "ls_provider",
    "ls_model_type",
)


def tuples_kept(events: list[Any]) -> list[Any]:
    """Message events with their metadata cut to MESSAGE_METADATA_KEYS (and without the
    message ids `messages/metadata` is keyed by)."""
    out = []
    for name, data in events:
        if name == "messages":
            message, meta = data
            data = [message, _kept(meta)]
        elif name == "messages/metadata":
            data = [_kept(m["metadata"]) for m in data.values()]
        out.append([name, data])
    return out


def _kept(meta: dict[str, Any]) -> dict[str, Any]:
    return {k: meta[k] for k in MESSAGE_METADATA_KEYS if k in meta}


def status_of(http: httpx.Client, method: str, path: str, body: Any = None) -> list[Any]:
    response = http.request(method, path, json=body)
    detail = response.json().get("detail") if response.status_code >= 400 else None
    return [response.status_code, isinstance(detail, str)]


def run_scenario(client: SyncLangGraphClient, http: httpx.Client) -> dict[str, Any]:
    """The transcript: what each step answered."""
    out: dict[str, Any] = {}
    # Assistants.
    assistants = client.assistants.search(limit=100)
    out["assistants"] = sorted((a["graph_id"], a["name"], a["version"]) for a in assistants)
    drawn = client.assistants.get_graph(_assistant(assistants, "reviewer"))
    out["graph_nodes"] = drawn["nodes"]
    out["graph_edges"] = sorted((e["source"], e["target"]) for e in drawn["edges"])
    # A multi-turn chat.
    chat = client.threads.create(metadata={"user": "ada"})
    out["created"] = normalised(chat)
    chat_id = chat["thread_id"]
    out["turn_1"] = normalised(client.runs.wait(chat_id, "chatbot", input=say("hi")))
    out["turn_2_stream"] = normalised(
        streamed(
            client.runs.stream(
                chat_id, "chatbot", input=say("again"), stream_mode=["values", "updates"]
            )
        )
    )
    out["chat_thread"] = normalised(client.threads.get(chat_id))
    out["chat_state"] = normalised(client.threads.get_state(chat_id))
    out["chat_history"] = normalised(client.threads.get_history(chat_id, limit=100))
    out["chat_runs"] = [r["status"] for r in client.runs.list(chat_id)]
    # An interrupt and its resume.
    review = client.threads.create()["thread_id"]
    out["review_stream"] = normalised(
        streamed(
            client.runs.stream(
                review, "reviewer", input={"topic": "owls"}, stream_mode=["values", "updates"]
            )
        )
    )
    out["review_thread"] = normalised(client.threads.get(review))
    out["review_state"] = normalised(client.threads.get_state(review))
    out["review_resume"] = normalised(
        client.runs.wait(review, "reviewer", command={"resume": "yes"})
    )
    out["review_after"] = normalised(client.threads.get_state(review))
    out["review_runs"] = [r["status"] for r in client.runs.list(review)]
    out["review_history"] = normalised(client.threads.get_history(review, limit=100))
    # Time travel: a run from an earlier checkpoint, a state update, a copy.
    earlier = client.threads.get_history(chat_id, limit=100)[3]
    out["fork"] = normalised(
        client.runs.wait(
            chat_id, "chatbot", input=say("instead"), checkpoint_id=earlier["checkpoint_id"]
        )
    )
    client.threads.update_state(
        chat_id, {"messages": [{"type": "ai", "content": "aside"}]}, as_node="chat"
    )
    out["updated_state"] = normalised(client.threads.get_state(chat_id))
    out["after_update"] = normalised(client.runs.wait(chat_id, "chatbot", input=say("more")))
    copied = client.threads.copy(chat_id)
    out["copy_state_values"] = normalised(client.threads.get_state(copied["thread_id"])["values"])
    out["search_by_metadata"] = len(client.threads.search(metadata={"user": "ada"}, limit=100))
    # A busy thread refuses a second run with multitask_strategy="reject".
    busy = client.threads.create()["thread_id"]
    client.runs.create(busy, "slow", input={"seconds": 2})
    _until(lambda: client.threads.get(busy)["status"] == "busy")
    out["rejected"] = status_of(
        http,
        "POST",
        f"/threads/{busy}/runs",
        {"assistant_id": "slow", "input": {"seconds": 0}, "multitask_strategy": "reject"},
    )
    out["enqueued"] = normalised(
        client.runs.wait(busy, "slow", input={"seconds": 0}, multitask_strategy="enqueue")
    )
    out["busy_runs"] = [r["status"] for r in client.runs.list(busy)]
    # A failing node.
    failing = client.threads.create()["thread_id"]
    out["failed_stream"] = normalised(
        streamed(client.runs.stream(failing, "failer", input={"topic": "x"}))
    )
    out["failed_wait"] = client.runs.wait(
        failing, "failer", input={"topic": "y"}, raise_error=False
    )
    out["failed_thread"] = normalised(client.threads.get(failing))
    # A run's context and configurable reach its node (runtime.context).
    out["context_run"] = client.runs.wait(
        None, "echoer", input={}, context={"user": "ada", "tier": "pro", "unnamed": 1}
    )
    out["configurable_run"] = client.runs.wait(
        None, "echoer", input={}, config={"configurable": {"user": "grace"}}
    )
    # What nodes stream: get_stream_writer() writes and a chat model's tokens.
    out["custom_and_tokens"] = normalised(
        tuples_kept(
            streamed(
                client.runs.stream(
                    None,
                    "streamer",
                    input=say("hello there"),
                    stream_mode=["messages-tuple", "custom", "updates", "values"],
                )
            )
        )
    )
    out["messages_mode"] = normalised(
        tuples_kept(
            streamed(client.runs.stream(None, "streamer", input=say("a b"), stream_mode="messages"))
        )
    )
    # Bad requests: status codes and a LangGraph error body.
    unknown = str(uuid.uuid4())
    out["errors"] = {
        "unknown_thread": status_of(http, "GET", f"/threads/{unknown}"),
        "malformed_thread_id": status_of(http, "GET", "/threads/not-a-uuid"),
        "thread_taken": status_of(http, "POST", "/threads", {"thread_id": chat_id}),
        "unknown_assistant": status_of(
            http, "POST", f"/threads/{chat_id}/runs", {"assistant_id": "nope", "input": {}}
        ),
        "run_on_unknown_thread": status_of(
            http, "POST", f"/threads/{unknown}/runs", {"assistant_id": "chatbot", "input": {}}
        ),
        "bad_stream_mode": status_of(
            http,
            "POST",
            f"/threads/{chat_id}/runs",
            {"assistant_id": "chatbot", "input": {}, "stream_mode": "bogus"},
        ),
        "configurable_and_context": status_of(
            http,
            "POST",
            "/runs/wait",
            {
                "assistant_id": "echoer",
                "input": {},
                "context": {"user": "a"},
                "config": {"configurable": {"user": "b"}},
            },
        ),
        "deleted_twice": [
            status_of(http, "DELETE", f"/threads/{failing}"),
            status_of(http, "DELETE", f"/threads/{failing}"),
        ],
    }
    return out


def _until(condition: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _assistant(assistants: list[Any], graph_id: str) -> str:
    return str(next(a["assistant_id"] for a in assistants if a["graph_id"] == graph_id))
