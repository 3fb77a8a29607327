"""from_langgraph's translation: what each LangGraph construct becomes in the manifest, and
the features it rejects with a message saying what and why."""

from __future__ import annotations

import asyncio
import operator
from datetime import timedelta
from typing import Annotated, Any

import pytest
from langchain_core.runnables import RunnableConfig
from langgraph.cache.memory import InMemoryCache
from langgraph.channels.last_value import LastValue
from langgraph.checkpoint.memory import MemorySaver
from langgraph.errors import InvalidUpdateError
from langgraph.graph import START, StateGraph
from langgraph.pregel._write import ChannelWrite, ChannelWriteEntry
from langgraph.store.memory import InMemoryStore
from langgraph.types import CachePolicy, Command, RetryPolicy, Send, TimeoutPolicy
from typing_extensions import TypedDict

from azure_functions_durable_graph import ManifestError, RouteError
from azure_functions_durable_graph.durable.targets import goto_targets, route_targets
from azure_functions_durable_graph.graph.handoff import PARENT_COMMAND
from azure_functions_durable_graph.graph.types import Send as EngineSend
from azure_functions_durable_graph.langgraph import (
    LangGraphAdapterError,
    UnsupportedFeature,
    from_langgraph,
)
from tests.langgraph.apps.langgraph_app import lg_features, lg_flow


class S(TypedDict):
    items: Annotated[list[str], operator.add]


def add(letter: str) -> Any:
    return lambda state: {"items": [letter]}


def two_nodes() -> StateGraph:
    builder = StateGraph(S)
    builder.add_node("a", add("a"))
    builder.add_node("b", add("b"))
    builder.add_edge(START, "a")
    builder.add_edge("a", "b")
    return builder


def test_builder_and_compiled_graph_give_the_same_manifest() -> None:
    from_builder = from_langgraph(lg_flow.loop_builder(), graph_name="g")
    from_compiled = from_langgraph(lg_flow.loop_builder().compile(), graph_name="g")

    assert from_builder.manifest == from_compiled.manifest


def test_edges_become_next_nodes_and_conditional_edges_a_route_with_its_path_map() -> None:
    nodes = from_langgraph(lg_flow.loop_builder(), graph_name="loop").manifest.nodes

    assert nodes["b"].next_node == "a"
    assert nodes["a"].has_route
    assert nodes["a"].route_targets == ("b", "__complete__")


def test_fan_out_edges_become_a_next_node_list_and_a_node_without_edges_is_terminal() -> None:
    manifest = from_langgraph(lg_flow.fan_out_builder(), graph_name="fan").manifest

    assert manifest.entrypoint == "a"
    assert manifest.nodes["a"].next_node == ("b", "c")
    assert manifest.nodes["d"].terminal


def test_a_graph_starting_with_several_nodes_gets_a_no_op_start_node() -> None:
    builder = StateGraph(S)
    builder.add_node("a", add("a"))
    builder.add_node("b", add("b"))
    builder.add_edge(START, "a")
    builder.add_edge(START, "b")

    manifest = from_langgraph(builder, graph_name="g").manifest

    assert manifest.entrypoint == "__start__"
    assert manifest.nodes["__start__"].next_node == ("a", "b")


def test_reducers_defer_and_retry_policy_reach_the_manifest() -> None:
    defer = from_langgraph(lg_flow.defer_builder(), graph_name="d").manifest
    retry = from_langgraph(lg_features.retry_builder(), graph_name="r").manifest

    assert defer.reducers == {"aggregate": "_operator.add"}
    assert defer.nodes["d"].defer
    policy = retry.nodes["flaky"].retry
    assert policy is not None
    assert (policy["initial_interval"], policy["jitter"], policy["max_attempts"]) == (
        0.05,
        False,
        3,
    )
    assert policy["retry_on"] == "builtins.ConnectionError"


def test_a_compiled_subgraph_node_becomes_a_subgraph_sharing_its_keys() -> None:
    registration = from_langgraph(lg_features.subgraph_builder(), graph_name="parent")

    assert registration.manifest.nodes["node_2"].subgraph == {
        "graph_name": "parent--node_2",
        "graph_hash": registration.subgraphs["node_2"].graph_hash,
        "shared": ["foo"],
    }


def test_the_manifest_schema_is_the_graphs_input_schema() -> None:
    manifest = from_langgraph(lg_features.typed_dict_builder(), graph_name="qa").manifest

    assert manifest.state_schema["properties"] == {
        "question": {"title": "Question", "type": "string"}
    }
    assert manifest.state_model_name == "QAState"


@pytest.mark.parametrize(
    ("compile_kwargs", "feature"),
    [
        ({"checkpointer": MemorySaver()}, "a checkpointer passed to compile()"),
        ({"store": InMemoryStore()}, "a store passed to compile()"),
        ({"cache": InMemoryCache()}, "a cache passed to compile()"),
    ],
)
def test_compile_options_without_a_durable_meaning_are_rejected(
    compile_kwargs: dict[str, Any], feature: str
) -> None:
    with pytest.raises(UnsupportedFeature) as caught:
        from_langgraph(two_nodes().compile(**compile_kwargs), graph_name="g")

    assert caught.value.feature == feature
    assert str(caught.value).startswith(f"LangGraph graph 'g': {feature} is not supported: ")


def test_compile_breakpoints_reach_the_manifest_and_its_hash_only_when_set() -> None:
    plain = from_langgraph(two_nodes(), graph_name="g").manifest
    before = from_langgraph(two_nodes().compile(interrupt_before=["b"]), graph_name="g").manifest
    every = from_langgraph(two_nodes().compile(interrupt_after="*"), graph_name="g").manifest

    assert (plain.interrupt_before, plain.interrupt_after) == ([], [])
    assert (before.interrupt_before, before.interrupt_after) == (["b"], [])
    assert every.interrupt_after == "*"
    assert len({plain.graph_hash, before.graph_hash, every.graph_hash}) == 3


def test_a_subgraph_compiled_with_breakpoints_is_rejected() -> None:
    parent = StateGraph(S)
    parent.add_node("child", two_nodes().compile(interrupt_before=["b"]))
    parent.add_edge(START, "child")

    with pytest.raises(ManifestError, match="a subgraph cannot pause its parent run"):
        from_langgraph(parent, graph_name="parent")


def test_a_join_target_is_triggered_by_each_source_and_routed_by_the_join() -> None:
    builder = two_nodes()
    builder.add_node("c", add("c"))
    builder.add_edge(["a", "b"], "c")

    nodes = from_langgraph(builder, graph_name="g").manifest.nodes

    assert nodes["a"].next_node == ("b", "c")
    assert nodes["b"].next_node == "c"
    assert nodes["c"].has_route


def joined(extra: Any) -> StateGraph:
    builder = two_nodes()
    builder.add_node("c", add("c"))
    builder.add_edge(["a", "b"], "c")
    extra(builder)
    return builder


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        (lambda b: b.add_edge(["b", "a"], "c"), "'c' is the target of several joins"),
        (lambda b: b.add_conditional_edges("a", lambda s: "c", ["c"]), "destination of ['a']"),
    ],
)
def test_a_join_target_a_path_function_may_choose_or_of_two_joins_is_rejected(
    extra: Any, why: str
) -> None:
    with pytest.raises(UnsupportedFeature, match="the join add_edge") as caught:
        from_langgraph(joined(extra), graph_name="g")

    assert why in str(caught.value)


def test_a_plain_edge_into_a_join_target_sets_its_trigger_flag() -> None:
    registration = from_langgraph(joined(lambda b: b.add_edge("b", "c")), graph_name="g")

    command = asyncio.run(registration.node_handlers["b"](registration.codec.load({"items": []})))

    assert command.update["__trigger__:c"] is True
    assert command.update["__join__:a+b:c"] == "b"


def test_node_cache_policy_and_several_retry_policies_are_rejected() -> None:
    cached = StateGraph(S)
    cached.add_node("a", add("a"), cache_policy=CachePolicy())
    cached.add_edge(START, "a")
    retried = StateGraph(S)
    retried.add_node("a", add("a"), retry_policy=[RetryPolicy(), RetryPolicy(max_attempts=5)])
    retried.add_edge(START, "a")

    with pytest.raises(UnsupportedFeature, match="the cache_policy of node 'a'"):
        from_langgraph(cached, graph_name="g")
    with pytest.raises(UnsupportedFeature, match="a list of 2 retry policies on node 'a'"):
        from_langgraph(retried, graph_name="g")


def test_something_else_than_a_state_graph_is_rejected() -> None:
    with pytest.raises(LangGraphAdapterError, match="expected a langgraph StateGraph"):
        from_langgraph(lambda state: state, graph_name="g")  # type: ignore[arg-type]


async def async_node(state: S) -> dict[str, Any]:
    return {"items": ["async"]}


def test_a_node_timeout_becomes_the_nodes_timeout() -> None:
    builder = StateGraph(S)
    builder.add_node("a", async_node, timeout=2.5)
    builder.add_node("b", async_node, timeout=TimeoutPolicy(run_timeout=timedelta(minutes=1)))
    builder.add_edge(START, "a")
    builder.add_edge("a", "b")

    nodes = from_langgraph(builder, graph_name="g").manifest.nodes

    assert (nodes["a"].timeout_seconds, nodes["b"].timeout_seconds) == (2.5, 60.0)


def test_an_idle_timeout_is_rejected() -> None:
    builder = StateGraph(S)
    builder.add_node("a", async_node, timeout=TimeoutPolicy(idle_timeout=5))
    builder.add_edge(START, "a")

    with pytest.raises(UnsupportedFeature, match="the idle_timeout of node 'a' is not supported"):
        from_langgraph(builder, graph_name="g")


def test_a_send_outside_the_path_map_fails_with_a_route_error_naming_the_node() -> None:
    builder = StateGraph(S)
    for name in ("a", "b", "c"):
        builder.add_node(name, add(name))
    builder.add_edge(START, "a")
    builder.add_conditional_edges("a", lambda state: [Send("c", state)], ["b"])
    registration = from_langgraph(builder, graph_name="g")
    route = registration.route_handlers["a"]
    chosen = asyncio.run(route(registration.codec.load({"items": ["a"]})))

    with pytest.raises(RouteError, match="route chose 'c', which is not in its route_targets"):
        route_targets(chosen, registration.manifest, "a")


def test_a_subgraph_under_a_long_or_odd_node_name_gets_a_url_safe_name() -> None:
    builder = StateGraph(S)
    builder.add_node("research step / v2", two_nodes().compile())
    builder.add_edge(START, "research step / v2")

    short = from_langgraph(builder, graph_name="g").subgraphs["research step / v2"]
    long = from_langgraph(builder, graph_name="x" * 60).subgraphs["research step / v2"]

    assert short.graph_name == "g--research_step___v2"
    assert len(long.graph_name) == 64
    assert long.graph_name.startswith("x" * 55 + "-")


def test_writes_a_node_sends_through_its_config_become_its_update_and_gotos() -> None:
    def node(state: S, config: RunnableConfig) -> dict[str, Any]:
        ChannelWrite.do_write(
            config,
            [
                ChannelWriteEntry("items", ["sent"]),
                ChannelWriteEntry("branch:to:b", None),
            ],
        )
        config["configurable"]["__pregel_send"]([("__pregel_tasks", Send("c", {"x": 1}))])
        return {"items": ["returned"]}

    builder = StateGraph(S)
    builder.add_node("a", node)
    builder.add_node("b", add("b"))
    builder.add_node("c", add("c"))
    builder.add_edge(START, "a")
    registration = from_langgraph(builder, graph_name="g")
    handler = registration.node_handlers["a"]

    command = asyncio.run(handler(registration.codec.load({"items": []})))

    state = registration.codec.apply({"items": []}, [("a", command.update)])
    assert state == {"items": ["sent", "returned"]}  # LangGraph's order
    assert command.goto == ["b", EngineSend("c", {"x": 1})]


class OwnChannel(LastValue[str]):
    """A channel class of the user's own: its behaviour is not LangGraph's to rely on."""


class WithOwnChannel(TypedDict):
    events: Annotated[str, OwnChannel(str)]


@pytest.mark.parametrize(
    ("schema", "feature"),
    [
        (WithOwnChannel, "the channel types of state keys events (OwnChannel)"),
        (list, "a state schema without keys (<class 'list'>)"),
    ],
)
def test_state_schemas_the_durable_state_cannot_carry_are_rejected(
    schema: type, feature: str
) -> None:
    builder = StateGraph(schema)
    builder.add_node("a", lambda state: None)
    builder.add_edge(START, "a")

    with pytest.raises(UnsupportedFeature) as caught:
        from_langgraph(builder, graph_name="g")

    assert caught.value.feature == feature


def test_a_command_to_the_parent_graph_is_handed_to_the_parent_and_drops_other_writes() -> None:
    builder = StateGraph(S)
    builder.add_node(
        "a",
        lambda state: [
            {"items": ["dropped"]},
            Command(graph=Command.PARENT, goto=["x", Send("y", 1)], update={"items": ["up"]}),
        ],
    )
    builder.add_edge(START, "a")
    registration = from_langgraph(builder, graph_name="g")

    command = asyncio.run(registration.node_handlers["a"](registration.codec.load({"items": []})))

    assert command.update == {
        PARENT_COMMAND: {
            "update": {"items": ["up"]},
            "goto": [{"node": "x"}, {"node": "y", "arg": 1}],
        }
    }
    assert command.goto is None


def test_a_command_may_send_outside_the_path_map_as_in_langgraph() -> None:
    builder = StateGraph(S)
    builder.add_node("a", lambda state: Command(goto=[Send("c", state)]))
    for name in ("b", "c"):
        builder.add_node(name, add(name))
    builder.add_edge(START, "a")
    builder.add_conditional_edges("a", lambda state: "b", ["b"])
    registration = from_langgraph(builder, graph_name="g")
    command = asyncio.run(registration.node_handlers["a"](registration.codec.load({"items": []})))

    targets = goto_targets(command.goto, registration.manifest, "a")

    assert targets == [{"node": "c", "arg": {"items": []}}]


def test_a_join_target_active_with_no_source_finished_and_no_trigger_fails_loudly() -> None:
    registration = from_langgraph(joined(lambda b: None), graph_name="g")
    handler = registration.node_handlers["c"]

    with pytest.raises(InvalidUpdateError, match="node 'c' is the target of a join of"):
        asyncio.run(handler(registration.codec.load({"items": []})))


def test_a_tool_node_gets_the_state_with_its_send_tasks_without_changing_the_graph_hash() -> None:
    from langchain_core.tools import tool
    from langgraph.graph import MessagesState
    from langgraph.prebuilt import ToolNode

    @tool
    def echo(text: str) -> str:
        """Echo."""
        return text

    def build() -> StateGraph:
        builder = StateGraph(MessagesState)
        builder.add_node("tools", ToolNode([echo]))
        builder.add_edge(START, "tools")
        return builder

    registration = from_langgraph(build(), graph_name="g")
    node = registration.manifest.nodes["tools"]

    assert node.send_reads_state is True
    assert "send_reads_state" not in node.hash_content()
