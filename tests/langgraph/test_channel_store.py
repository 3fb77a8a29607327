"""langgraph/channels.py: how each LangGraph channel's checkpoint is kept as JSON, and what
a graph using a channel class of its own is told."""

from __future__ import annotations

import json
from typing import Annotated, Any

import pytest
from langgraph.channels.last_value import LastValue, LastValueAfterFinish
from langgraph.channels.named_barrier_value import (
    NamedBarrierValue,
    NamedBarrierValueAfterFinish,
)
from langgraph.channels.untracked_value import UntrackedValue
from langgraph.graph import START, StateGraph
from typing_extensions import TypedDict

from azure_functions_durable_graph.langgraph import UnsupportedFeature, channels, from_langgraph


def round_trip(spec: Any, writes: list[Any]) -> tuple[Any, Any]:
    """Write `spec`, keep it as JSON, restore it: (the JSON kept, the restored channel)."""
    channel = spec.from_checkpoint(channels.MISSING)
    channel.update(writes)
    kept = json.loads(json.dumps(channels.encode(channel)))
    return kept, channels.decode(spec, {"k": kept}, "k")


def test_a_barrier_keeps_its_names_as_a_sorted_list_and_restores_them_as_a_set() -> None:
    kept, restored = round_trip(NamedBarrierValue(str, {"a", "b", "c"}), ["c", "a"])

    assert kept == ["a", "c"]
    assert not restored.is_available()
    restored.update(["b"])
    assert restored.is_available()


def test_after_finish_channels_keep_whether_the_run_finished() -> None:
    kept, restored = round_trip(NamedBarrierValueAfterFinish(str, {"a"}), ["a"])
    assert kept == {"seen": ["a"], "finished": False}
    assert not restored.is_available()
    restored.finish()
    assert restored.is_available()

    kept, restored = round_trip(LastValueAfterFinish(int), [3])
    assert kept == {"value": 3, "finished": False}
    restored.finish()
    assert restored.get() == 3


def test_an_untracked_value_crosses_activities_though_langgraph_never_checkpoints_it() -> None:
    spec = UntrackedValue(str)
    kept, restored = round_trip(spec, ["kept"])

    assert spec.from_checkpoint("kept").is_available() is False  # LangGraph's own rule
    assert kept == "kept"
    assert restored.get() == "kept"


class Mine(LastValue[int]):
    """A channel class of the user's own."""


class WithMine(TypedDict):
    n: Annotated[int, Mine(int)]


def test_a_channel_class_of_ones_own_is_refused_naming_the_langgraph_versions() -> None:
    builder = StateGraph(WithMine)
    builder.add_node("a", lambda state: None)
    builder.add_edge(START, "a")

    with pytest.raises(UnsupportedFeature) as caught:
        from_langgraph(builder, graph_name="g")

    message = str(caught.value)
    assert "n (Mine)" in message
    assert f"checked with LangGraph {channels.TESTED_LANGGRAPH}" in message
    assert f"installed {channels.langgraph_version()}" in message
