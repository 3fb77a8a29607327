"""One graph per channel type and managed value LangGraph ships, and the run's context.

Each entry of GRAPHS is (a function returning the compiled graph, the input given to
`compiled.invoke`, resume values); RUN_OPTIONS gives the `config` and `context` a
graph is invoked with (LangGraph's `invoke(input, config, context=...)`, the run API's
``"config"`` and ``"context"``).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from langgraph.channels.any_value import AnyValue
from langgraph.channels.delta import DeltaChannel
from langgraph.channels.ephemeral_value import EphemeralValue
from langgraph.channels.named_barrier_value import (
    NamedBarrierValue,
    NamedBarrierValueAfterFinish,
)
from langgraph.channels.topic import Topic
from langgraph.channels.untracked_value import UntrackedValue
from langgraph.config import get_config, get_stream_writer
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import push_message
from langgraph.managed import IsLastStep, RemainingSteps
from langgraph.runtime import Runtime
from langgraph.types import Command
from typing_extensions import TypedDict


def fan_out(state_type: type, writers: dict[str, Any], reader: Any) -> Any:
    """START -> every writer in parallel -> `read` (a plain edge from each writer)."""
    builder = StateGraph(state_type)
    for name, node in writers.items():
        builder.add_node(name, node)
        builder.add_edge(START, name)
        builder.add_edge(name, "read")
    builder.add_node("read", reader)
    return builder.compile()


# -- Topic: a pub/sub channel (accumulating or not) -------------------------------------


class TopicState(TypedDict):
    events: Annotated[list[str], Topic(str, accumulate=True)]
    latest: Annotated[list[str], Topic(str)]
    seen: Annotated[list[str], operator.add]


def topic_graph() -> Any:
    def read(state: TopicState) -> dict[str, Any]:
        return {"seen": [f"{state.get('events')}|{state.get('latest')}"], "latest": "read"}

    def again(state: TopicState) -> dict[str, Any]:
        return {"seen": [f"{state.get('events')}|{state.get('latest')}"], "events": ["again"]}

    builder = StateGraph(TopicState)
    builder.add_node("a", lambda s: {"events": "a", "latest": ["a1", "a2"]})
    builder.add_node("b", lambda s: {"events": ["b"], "latest": "b"})
    builder.add_node("read", read)
    builder.add_node("again", again)
    builder.add_edge(START, "a")
    builder.add_edge(START, "b")
    builder.add_edge("a", "read")
    builder.add_edge("b", "read")
    builder.add_edge("read", "again")
    return builder.compile()


def topic_written_twice_graph() -> Any:
    """One node writes each topic several times in one step (a list of Commands)."""

    def write(state: TopicState) -> list[Command[Any]]:
        return [
            Command(update={"events": "x", "latest": ["l1"]}),
            Command(update={"events": ["y", "z"], "latest": "l2"}),
        ]

    def read(state: TopicState) -> dict[str, Any]:
        return {"seen": [f"{state.get('events')}|{state.get('latest')}"]}

    builder = StateGraph(TopicState)
    builder.add_node("write", write)
    builder.add_node("read", read)
    builder.add_edge(START, "write")
    builder.add_edge("write", "read")
    return builder.compile()


# -- EphemeralValue: a value for the next step only --------------------------------------


class EphemeralState(TypedDict):
    note: Annotated[str, EphemeralValue(str)]
    seen: Annotated[list[str], operator.add]


def ephemeral_graph() -> Any:
    builder = StateGraph(EphemeralState)
    builder.add_node("write", lambda s: {"note": "hello"})
    builder.add_node("next", lambda s: {"seen": [f"next: {s.get('note')}"]})
    builder.add_node("later", lambda s: {"seen": [f"later: {s.get('note')}"]})
    builder.add_edge(START, "write")
    builder.add_edge("write", "next")
    builder.add_edge("next", "later")
    return builder.compile()


# -- AnyValue: several writers in one step, any of the (equal) values kept ---------------


class AnyState(TypedDict):
    flag: Annotated[str, AnyValue(str)]
    seen: Annotated[list[str], operator.add]


def any_value_graph() -> Any:
    return fan_out(
        AnyState,
        {"a": lambda s: {"flag": "same"}, "b": lambda s: {"flag": "same"}},
        lambda s: {"seen": [s["flag"]]},
    )


# -- UntrackedValue: kept in memory during the run, never checkpointed ------------------


class UntrackedState(TypedDict):
    scratch: Annotated[str, UntrackedValue(str)]
    seen: Annotated[list[str], operator.add]


def untracked_graph() -> Any:
    builder = StateGraph(UntrackedState)
    builder.add_node("write", lambda s: {"scratch": "kept"})
    builder.add_node("read", lambda s: {"seen": [f"scratch={s.get('scratch')}"]})
    builder.add_edge(START, "write")
    builder.add_edge("write", "read")
    return builder.compile()


# -- NamedBarrierValue(s): available once every named writer wrote -----------------------


class BarrierState(TypedDict):
    ready: Annotated[str, NamedBarrierValue(str, {"a", "b"})]
    done: Annotated[str, NamedBarrierValueAfterFinish(str, {"a", "b"})]
    seen: Annotated[list[str], operator.add]


def barrier_graph() -> Any:
    def note(name: str) -> Any:
        def node(state: BarrierState) -> dict[str, Any]:
            return {
                "ready": name,
                "done": name,
                "seen": [f"{name}: ready={'ready' in state} done={'done' in state}"],
            }

        return node

    builder = StateGraph(BarrierState)
    builder.add_node("a", note("a"))
    builder.add_node("b", note("b"))
    builder.add_node("c", lambda s: {"seen": [f"c: ready={'ready' in s} done={'done' in s}"]})
    builder.add_edge(START, "a")
    builder.add_edge("a", "b")
    builder.add_edge("b", "c")
    return builder.compile()


# -- DeltaChannel: a reducer over a batch of writes --------------------------------------


def extend(current: list[str], writes: Sequence[list[str]]) -> list[str]:
    return [*current, *(item for batch in writes for item in batch)]


class DeltaState(TypedDict):
    log: Annotated[list[str], DeltaChannel(extend)]


def delta_graph() -> Any:
    return fan_out(
        DeltaState,
        {"a": lambda s: {"log": ["a"]}, "b": lambda s: {"log": ["b1", "b2"]}},
        lambda s: {"log": [f"read {len(s['log'])}"]},
    )


# -- managed values and LangGraph's step counter -----------------------------------------


class StepState(TypedDict):
    seen: Annotated[list[str], operator.add]
    remaining_steps: RemainingSteps
    is_last_step: IsLastStep


def counted(state: StepState) -> dict[str, Any]:
    step = get_config()["metadata"]["langgraph_step"]
    return {
        "seen": [f"step={step} remaining={state['remaining_steps']} last={state['is_last_step']}"]
    }


def stop_early(state: StepState) -> str:
    return END if state["remaining_steps"] <= 2 else "loop"


def managed_graph() -> Any:
    builder = StateGraph(StepState)
    builder.add_node("loop", counted)
    builder.add_edge(START, "loop")
    builder.add_conditional_edges("loop", stop_early, ["loop", END])
    return builder.compile()


def single_step_graph() -> Any:
    builder = StateGraph(StepState)
    builder.add_node("once", counted)
    builder.add_edge(START, "once")
    return builder.compile()


def endless_graph() -> Any:
    builder = StateGraph(StepState)
    builder.add_node("loop", counted)
    builder.add_node("other", counted)
    builder.add_edge(START, "loop")
    builder.add_edge(START, "other")
    builder.add_edge("loop", "loop")
    return builder.compile()


# -- runtime context, config and what nodes get in their config --------------------------


@dataclass
class UserContext:
    user: str
    tier: str = "free"


class ContextState(TypedDict):
    seen: Annotated[list[str], operator.add]
    messages: list[Any]


def with_context(state: ContextState, runtime: Runtime[UserContext]) -> dict[str, Any]:
    config = get_config()
    get_stream_writer()({"progress": "half way"})
    message = push_message({"role": "ai", "content": "pushed", "id": "pushed"}, state_key=None)
    return {
        "seen": [
            f"user={runtime.context.user} tier={runtime.context.tier}",
            f"configurable={config['configurable'].get('region')}",
            f"tags={config.get('tags')} limit={config.get('recursion_limit')}",
            f"pushed={message.content}",
        ]
    }


def context_graph() -> Any:
    builder = StateGraph(ContextState, context_schema=UserContext)
    builder.add_node("with_context", with_context)
    builder.add_edge(START, "with_context")
    return builder.compile()


# -- Command(graph=Command.PARENT) from a subgraph whose node also has a static edge ------


class HandoffState(TypedDict):
    seen: Annotated[list[str], operator.add]


def handoff_graph() -> Any:
    child = StateGraph(HandoffState)
    child.add_node("first", lambda s: {"seen": ["child first"]})
    child.add_node(
        "hand",
        lambda s: [
            {"seen": ["dropped"]},
            Command(graph=Command.PARENT, goto="other", update={"seen": ["handed"]}),
        ],
    )
    child.add_node("never", lambda s: {"seen": ["never"]})
    child.add_edge(START, "first")
    child.add_edge("first", "hand")
    child.add_edge("hand", "never")
    parent = StateGraph(HandoffState)
    parent.add_node("sub", child.compile())
    parent.add_node("after", lambda s: {"seen": ["after"]})
    parent.add_node("other", lambda s: {"seen": ["other"]})
    parent.add_edge(START, "sub")
    parent.add_edge("sub", "after")
    return parent.compile()


def top_level_handoff_graph() -> Any:
    builder = StateGraph(HandoffState)
    builder.add_node("hand", lambda s: Command(graph=Command.PARENT, goto="elsewhere"))
    builder.add_edge(START, "hand")
    return builder.compile()


#: graph name -> (factory of the compiled graph, invoke input, resume values in order)
GRAPHS: dict[str, tuple[Any, Any, list[Any]]] = {
    "channel_topic": (topic_graph, {"seen": []}, []),
    "channel_topic_written_twice": (topic_written_twice_graph, {"seen": []}, []),
    "channel_ephemeral": (ephemeral_graph, {"seen": []}, []),
    "channel_any_value": (any_value_graph, {"seen": []}, []),
    "channel_untracked": (untracked_graph, {"seen": []}, []),
    "channel_barriers": (barrier_graph, {"seen": []}, []),
    "channel_delta": (delta_graph, {"log": ["start"]}, []),
    "managed_values": (managed_graph, {"seen": []}, []),
    "managed_default_limit": (single_step_graph, {"seen": []}, []),
    "recursion_limit": (endless_graph, {"seen": []}, []),
    "runtime_context": (context_graph, {"seen": []}, []),
    "parent_command": (handoff_graph, {"seen": []}, []),
    "parent_command_at_top": (top_level_handoff_graph, {"seen": []}, []),
}

#: graph name -> the config and context it is invoked with
RUN_OPTIONS: dict[str, dict[str, Any]] = {
    "managed_values": {"config": {"recursion_limit": 6}},
    "recursion_limit": {"config": {"recursion_limit": 5}},
    "runtime_context": {
        "config": {"configurable": {"region": "eu"}, "tags": ["t1"], "recursion_limit": 9},
        "context": {"user": "ann", "tier": "gold"},
    },
}
