"""LangGraphCodec: the run's JSON state through LangGraph's own channels."""

from __future__ import annotations

import operator
from typing import Annotated

import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langgraph.graph import START, MessagesState, StateGraph
from typing_extensions import TypedDict

from azure_functions_durable_graph import StateMergeError
from azure_functions_durable_graph.langgraph.codec import (
    PUSH_MARK,
    LangGraphCodec,
    join_key,
    ran_key,
)
from tests.langgraph.apps.langgraph_app import lg_features, lg_flow


class S(TypedDict):
    items: Annotated[list[str], operator.add]
    last: str
    unset: str


def codec_for(schema: type, **kwargs: type) -> LangGraphCodec:
    builder = StateGraph(schema, **kwargs)
    builder.add_node("n", lambda state: None)
    builder.add_edge(START, "n")
    return LangGraphCodec("g", builder.compile())


def test_a_superstep_applies_triggered_nodes_by_name_then_sends_in_send_order() -> None:
    codec = codec_for(S)
    updates = [
        ("send", {"items": ["send-1"], PUSH_MARK: True}),
        ("c", {"items": ["c"]}),
        ("send", {"items": ["send-2"], PUSH_MARK: True}),
        ("b", {"items": ["b"]}),
    ]

    assert codec.apply({"items": ["a"]}, updates) == {"items": ["a", "b", "c", "send-1", "send-2"]}


def test_keys_no_one_set_stay_absent_and_undeclared_keys_are_dropped() -> None:
    codec = codec_for(S)

    assert codec.apply({}, [("n", {"last": "x", "other": 1})]) == {"items": [], "last": "x"}


def test_two_writes_of_a_plain_key_in_one_superstep_fail_with_langgraphs_message() -> None:
    codec = codec_for(S)

    with pytest.raises(StateMergeError) as caught:
        codec.apply({}, [("node 'a'", {"last": "a"}), ("node 'b'", {"last": "b"})])

    assert str(caught.value).startswith(
        "Graph 'g', key 'last' written by node 'a' and node 'b': At key 'last': "
        "Can receive only one value per step."
    )


def test_an_overwrite_as_json_replaces_a_reducer_key() -> None:
    codec = codec_for(S)
    overwrite = {"value": ["fresh"], "type": "__overwrite__"}

    assert codec.apply({"items": ["old"]}, [("n", {"items": overwrite})]) == {"items": ["fresh"]}


def test_messages_are_kept_as_their_model_dump_and_loaded_as_messages() -> None:
    codec = codec_for(MessagesState)
    state = codec.validate_input({"messages": [{"role": "user", "content": "hi", "id": "h"}]})
    state = codec.apply(state, [("n", {"messages": [AIMessage("hello", id="a")]})])

    assert state["messages"] == [
        HumanMessage("hi", id="h").model_dump(),
        AIMessage("hello", id="a").model_dump(),
    ]
    assert codec.load(state)["messages"] == [HumanMessage("hi", id="h"), AIMessage("hello", id="a")]


def test_the_output_keeps_the_output_schemas_keys() -> None:
    builder = lg_features.typed_dict_builder()
    codec = LangGraphCodec("qa", builder.compile())

    assert codec.validate_input({"question": "q", "answer": "not an input key"}) == {
        "question": "q"
    }
    assert codec.output({"question": "q", "notes": [], "answer": "a"}) == {"answer": "a"}


def test_a_loaded_state_dumps_to_the_json_it_came_from() -> None:
    codec = codec_for(S)
    data = {"items": ["a"], "last": "x"}
    loaded = codec.load(data)
    loaded["items"].append("changed in place")

    assert codec.dump(loaded) == data


def test_a_join_is_consumed_before_new_sources_are_added_and_stays_out_of_the_output() -> None:
    codec = LangGraphCodec("g", lg_flow.join_loop_builder().compile())
    key, ran = join_key(("b", "c"), "d"), ran_key("d")

    state = codec.apply({"aggregate": []}, [("b", {key: "b"}), ("c", {key: "c"})])
    assert state[key] == ["b", "c"]
    state = codec.apply(state, [("d", {key: None, ran: True}), ("b", {key: "b"})])
    assert (state[key], state[ran]) == (["b"], True)
    assert codec.output(state) == {"aggregate": []}
