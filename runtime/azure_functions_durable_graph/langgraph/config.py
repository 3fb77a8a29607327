"""The config a LangGraph node gets here, as Pregel would build it for the same task.

From the run (graph/run_context.py: the superstep, and the run's pinned `config` and
`context`) it gives the node:
- LangGraph's step counter (`metadata["langgraph_step"]`, the scratchpad's `step` and
  `stop`, so `RemainingSteps` / `IsLastStep` and `recursion_limit` count as in LangGraph:
  the first node runs in step 1 and `stop` is the run's `recursion_limit`);
- `configurable` (the run's, plus LangGraph's own keys), `tags`, `metadata`,
  `recursion_limit`, and `callbacks` (an empty list: no tracer is attached here, and
  `push_message` needs the key);
- a `Runtime` whose `context` is the run's context (built into the `context_schema`
  when that is a dataclass or Pydantic model, as `invoke(context=...)` does) and whose
  stream writer, with `callbacks`' messages handler, publishes to the run's stream
  channel when an Agent Server run streams `custom` or `messages` (streaming.py);
- the state reads LangGraph offers through the config: `CONFIG_KEY_READ` (channels of
  the state before the step, plus the task's own writes when asked `fresh`, as
  deepagents' file tools read them) and, for a task started by a `Send`,
  `CONFIG_KEY_READ_STATE` (so a `ToolNode` tool with `InjectedState` sees the state).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.runtime import Runtime

from ..agent_server.stores.for_nodes import with_app_store
from ..graph.run_context import RunContext
from ._private import (
    CONF,
    CONFIG_KEY_CHECKPOINT_NS,
    CONFIG_KEY_READ,
    CONFIG_KEY_READ_STATE,
    CONFIG_KEY_RUNTIME,
    CONFIG_KEY_SCRATCHPAD,
    CONFIG_KEY_SEND,
    CONFIG_KEY_TASK_ID,
    PregelScratchpad,
)
from .codec import LangGraphCodec
from .serde import revive
from .streaming import stream_hooks

PUSH_TRIGGER = "__pregel_push"


def step_and_stop(run: RunContext, codec: LangGraphCodec) -> tuple[int, int]:
    """LangGraph's step of the running superstep, and its `stop` (the recursion limit)."""
    return run.superstep - codec.start_offset, codec.recursion_limit(run.config)


def scratchpad(
    run: RunContext, codec: LangGraphCodec, next_resume: Callable[..., Any]
) -> PregelScratchpad:
    step, stop = step_and_stop(run, codec)
    return PregelScratchpad(
        step=step,
        stop=stop,
        call_counter=itertools.count().__next__,
        interrupt_counter=itertools.count().__next__,
        get_null_resume=next_resume,
        resume=[],
        subgraph_counter=itertools.count().__next__,
    )


def managed_values(keys: list[str], codec: LangGraphCodec, pad: PregelScratchpad) -> dict[str, Any]:
    """The managed values (`RemainingSteps`, `IsLastStep`) among `keys`, for this step."""
    return {key: codec.managed[key].get(pad) for key in keys if key in codec.managed}


def state_reader(
    codec: LangGraphCodec,
    data: Mapping[str, Any],
    writes: list[tuple[str, Any]],
    managed: Mapping[str, Any],
) -> Callable[..., Any]:
    """LangGraph's `CONFIG_KEY_READ` for a task: `read(select, fresh=False)` reads the
    state before the step (a key, or a list of keys and managed values); `fresh` applies
    the task's own writes so far first, through the channels."""

    def read(select: str | list[str], fresh: bool = False) -> Any:
        restored = codec.restore(data)
        if fresh:
            for key, channel in restored.items():
                channel.update([revive(v) for k, v in writes if k == key])
        if isinstance(select, str):
            one = restored.get(select)
            return one.get() if one is not None and one.is_available() else None
        values = {
            k: restored[k].get() for k in select if k in restored and restored[k].is_available()
        }
        values.update({k: managed[k] for k in select if k in managed})
        return values

    return read


def node_config(
    name: str,
    *,
    run: RunContext,
    codec: LangGraphCodec,
    pad: PregelScratchpad,
    send: Callable[[Any], Any],
    pushed: bool,
    read: Callable[..., Any] | None = None,
    read_state: Callable[[], Any] | None = None,
) -> RunnableConfig:
    """The RunnableConfig Pregel would give task `name` of this run and step."""
    config = dict(run.config)
    trigger = PUSH_TRIGGER if pushed else f"branch:to:{name}"
    metadata = {
        **dict(config.get("metadata") or {}),
        "langgraph_step": pad.step,
        "langgraph_node": name,
        "langgraph_triggers": (trigger,),
        "langgraph_path": ("__pregel_push", 0) if pushed else ("__pregel_pull", name),
        "langgraph_checkpoint_ns": name,
    }
    writer, callbacks = stream_hooks(dict(config.get("configurable") or {}), run.superstep)
    runtime = Runtime(context=codec.runtime_context(run.context), stream_writer=writer)
    configurable: dict[str, Any] = {
        **dict(config.get("configurable") or {}),
        CONFIG_KEY_SEND: send,
        CONFIG_KEY_SCRATCHPAD: pad,
        CONFIG_KEY_CHECKPOINT_NS: name,
        # Marks a graph this node calls with .invoke() as nested, as under Pregel: its
        # interrupt() pauses this node (and so the run) instead of ending that call.
        CONFIG_KEY_TASK_ID: name,
        # runtime.store, a `store` argument and get_store(): the app's store.
        CONFIG_KEY_RUNTIME: with_app_store(runtime),
        CONFIG_KEY_READ_STATE: read_state,
    }
    if read is not None:
        configurable[CONFIG_KEY_READ] = read
    result: RunnableConfig = {
        "metadata": metadata,
        "tags": list(config.get("tags") or []),
        "callbacks": callbacks,
        "recursion_limit": pad.stop,
        CONF: configurable,
    }
    if isinstance(config.get("run_name"), str):
        result["run_name"] = config["run_name"]
    return result


def route_config(
    run: RunContext, codec: LangGraphCodec, node: str
) -> tuple[RunnableConfig, PregelScratchpad]:
    """What a path function gets as its config (the step and the run's context)."""
    pad = scratchpad(run, codec, lambda consume=False: None)
    config = node_config(node, run=run, codec=codec, pad=pad, send=_no_send, pushed=False)
    return config, pad


def _no_send(writes: Any) -> None:
    return None


__all__ = ["managed_values", "node_config", "route_config", "scratchpad", "step_and_stop"]
