"""Merge rules: dict merges shallowly and re-validates, a model replaces, None keeps."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from azure_functions_durable_graph import StateMergeError
from azure_functions_durable_graph.compat.engine_v1.merge import merge_state


class Inner(BaseModel):
    a: int = 0
    b: int = 0


class State(BaseModel):
    message: str
    count: int = 0
    settings: dict = {}
    inner: Inner = Inner()


class Other(BaseModel):
    message: str


def merge(state: State, result: object) -> BaseModel:
    return merge_state(State, state, result, graph_name="g", source="node 'n'")


def test_dict_is_shallow_merged():
    merged = merge(State(message="hi", count=1), {"count": 2})
    assert merged == State(message="hi", count=2)


def test_dict_merge_revalidates_and_coerces():
    merged = merge(State(message="hi"), {"count": "7"})
    assert merged.count == 7


def test_nested_dicts_are_replaced_not_merged():
    state = State(message="hi", settings={"x": 1, "y": 2}, inner=Inner(a=1, b=2))
    merged = merge(state, {"settings": {"x": 9}, "inner": {"a": 5}})
    assert merged.settings == {"x": 9}
    assert merged.inner == Inner(a=5, b=0)


def test_model_replaces_state():
    replacement = State(message="new")
    assert merge(State(message="old", count=3), replacement) is replacement


def test_none_leaves_state_unchanged():
    state = State(message="hi")
    assert merge(state, None) is state


def test_invalid_update_names_the_source_and_field():
    with pytest.raises(StateMergeError) as info:
        merge(State(message="hi"), {"count": "many"})
    assert str(info.value) == (
        "Graph 'g', node 'n': returned an update that makes the state invalid for State: "
        "count: Input should be a valid integer, unable to parse string as an integer"
    )
    assert info.value.source == "node 'n'"


def test_other_model_is_rejected():
    with pytest.raises(StateMergeError) as info:
        merge(State(message="hi"), Other(message="x"))
    assert str(info.value) == (
        "Graph 'g', node 'n': returned a Other model; a model return replaces the state, "
        "so it must be a State"
    )


@pytest.mark.parametrize(
    ("result", "shown"),
    [(3, "int 3"), ("done", "str 'done'"), ([("count", 1)], "list [('count', 1)]")],
)
def test_anything_else_is_an_error_naming_the_node(result, shown):
    with pytest.raises(StateMergeError) as info:
        merge(State(message="hi"), result)
    assert str(info.value) == (
        f"Graph 'g', node 'n': returned {shown}; expected a dict of state updates, a State or None"
    )
