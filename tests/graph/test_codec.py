"""PydanticCodec: updates applied in order through reducers; conflicts and invalid states named."""

from __future__ import annotations

import operator
from typing import Annotated

import pytest
from pydantic import BaseModel

from azure_functions_durable_graph import StateMergeError
from azure_functions_durable_graph.graph.codec import PydanticCodec, changed_fields


def keep_unique(current: list[str], new: list[str]) -> list[str]:
    return current + [n for n in new if n not in current]


class State(BaseModel):
    items: Annotated[list[str], operator.add] = []
    tags: Annotated[list[str], keep_unique] = []
    title: str = ""
    count: int = 0


codec = PydanticCodec(State, graph_name="g")


def test_updates_are_reduced_in_order_and_plain_fields_replaced():
    state = codec.validate_input({"items": ["a"], "tags": ["x"]})

    new = codec.apply(
        state,
        [
            ("node 'n1'", {"items": ["b"], "title": "t"}),
            ("node 'n2'", {"items": ["c"], "tags": ["x", "y"]}),
        ],
    )

    assert new == {"items": ["a", "b", "c"], "tags": ["x", "y"], "title": "t", "count": 0}
    assert changed_fields(state, new) == {
        "items": ["a", "b", "c"],
        "tags": ["x", "y"],
        "title": "t",
    }


def test_a_reducer_field_is_reduced_even_for_one_update():
    assert codec.apply({"items": ["a"]}, [("node 'n'", {"items": ["a"]})])["items"] == ["a", "a"]


def test_two_writes_to_a_plain_field_in_one_superstep_name_both_writers():
    with pytest.raises(StateMergeError) as info:
        codec.apply({}, [("node 'left'", {"title": "l"}), ("node 'right'", {"title": "r"})])

    assert str(info.value) == (
        "Graph 'g', node 'right': wrote field 'title', which node 'left' also wrote in the same "
        "superstep; a field written by parallel nodes needs a reducer, e.g. "
        "title: Annotated[list[...], operator.add]"
    )


def test_an_update_that_breaks_the_model_names_the_writer_and_the_field():
    with pytest.raises(StateMergeError) as info:
        codec.apply({}, [("node 'n'", {"count": "many"})])

    assert str(info.value) == (
        "Graph 'g', node 'n': returned an update that makes the state invalid for State: "
        "count: Input should be a valid integer, unable to parse string as an integer"
    )


def test_a_reducer_that_raises_is_named():
    with pytest.raises(StateMergeError) as info:
        codec.apply({}, [("node 'n'", {"items": 3})])

    assert str(info.value).startswith(
        "Graph 'g', node 'n': reducer _operator.add of field 'items' raised TypeError:"
    )


def test_reducers_and_schema_describe_the_model():
    assert codec.reducers() == {
        "items": "_operator.add",
        "tags": "tests.graph.test_codec.keep_unique",
    }
    assert set(codec.json_schema()["properties"]) == {"items", "tags", "title", "count"}
