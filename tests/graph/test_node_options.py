"""ManifestBuilder's engine-v2 options: what they put in the manifest, and each rejection."""

from __future__ import annotations

import operator
from datetime import timedelta
from typing import Annotated

import pytest
from pydantic import BaseModel

from azure_functions_durable_graph import ManifestBuilder, ManifestError, RetryPolicy


class State(BaseModel):
    items: Annotated[list[str], operator.add] = []
    count: int = 0


class Other(BaseModel):
    unrelated: str = ""


def noop(state: State) -> None:
    return None


def graph(**kwargs: object) -> ManifestBuilder:
    return ManifestBuilder(graph_name="g", state_model=State, **kwargs)  # type: ignore[arg-type]


def build_error(builder: ManifestBuilder) -> str:
    with pytest.raises(ManifestError) as info:
        builder.build()
    return str(info.value)


def test_fan_out_reducers_and_options_appear_in_the_manifest():
    b = graph(retry=RetryPolicy(max_attempts=2))
    b.set_entrypoint("a")
    b.add_node("a", noop, next_node=["b", "c"])
    b.add_node("b", noop, next_node="d", timeout=timedelta(seconds=5), on_error="d")
    b.add_node("c", noop, next_node="d", retry=RetryPolicy(max_attempts=5, retry_on=KeyError))
    b.add_node("d", noop, terminal=True, defer=True)
    manifest = b.build().manifest

    assert manifest.nodes["a"].next_nodes == ("b", "c")
    assert manifest.edges == [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]
    assert manifest.reducers == {"items": "_operator.add"}
    assert manifest.nodes["b"].timeout_seconds == 5.0
    assert manifest.nodes["b"].on_error == "d"
    assert manifest.nodes["b"].retry is not None and manifest.nodes["b"].retry["max_attempts"] == 2
    assert manifest.nodes["c"].retry == {
        "initial_interval": 0.5,
        "backoff_factor": 2.0,
        "max_interval": 128.0,
        "max_attempts": 5,
        "jitter": True,
        "retry_on": "builtins.KeyError",
        "retry_timeouts": False,
    }
    assert manifest.nodes["d"].defer is True


def test_the_hash_changes_with_each_option():
    def built(**node: object) -> str:
        b = graph().set_entrypoint("a")
        b.add_node("a", noop, next_node="b", **node)  # type: ignore[arg-type]
        b.add_node("b", noop, terminal=True)
        return b.build().graph_hash

    plain = built()
    variants = [
        built(timeout=timedelta(seconds=1)),
        built(retry=RetryPolicy()),
        built(on_error="b"),
    ]
    assert len({plain, *variants}) == 4


def test_rejects_defer_on_the_entrypoint():
    b = graph().set_entrypoint("a").add_node("a", noop, terminal=True, defer=True)
    assert build_error(b) == (
        "Graph 'g': node 'a' is the entrypoint and cannot be deferred (defer=True)"
    )


def test_rejects_a_send_target_that_is_not_a_node():
    b = graph().set_entrypoint("a")
    b.add_node("a", noop, route=lambda s: [], route_targets=["summarize"])
    assert build_error(b) == (
        "Graph 'g': node 'a' route_targets names 'summarize', which is not a node or "
        "'__complete__'; nodes: 'a'"
    )


def test_rejects_a_reducer_that_cannot_take_two_arguments():
    def one(current: list[str]) -> list[str]:
        return current

    class Bad(BaseModel):
        items: Annotated[list[str], one] = []

    b = ManifestBuilder(graph_name="g", state_model=Bad).set_entrypoint("a")
    b.add_node("a", noop, terminal=True)
    assert build_error(b) == (
        "Graph 'g': field 'items' has reducer "
        "tests.graph.test_node_options.test_rejects_a_reducer_that_cannot_take_two_arguments."
        "<locals>.one, which cannot be called with two arguments (current value, update)"
    )


def test_rejects_a_subgraph_that_shares_no_field():
    child = ManifestBuilder(graph_name="child", state_model=Other).set_entrypoint("x")
    child.add_node("x", lambda s: None, terminal=True)
    b = graph().set_entrypoint("a").add_node("a", child.build(), terminal=True)
    assert build_error(b) == (
        "Graph 'g': node 'a' runs subgraph 'child', whose state shares no field with this "
        "graph's state (parent fields: ['items', 'count']; child fields: ['unrelated']); "
        "give both a field of the same name"
    )


def test_rejects_a_subgraph_cycle():
    inner = ManifestBuilder(graph_name="g", state_model=State).set_entrypoint("x")
    inner.add_node("x", noop, terminal=True)
    middle = ManifestBuilder(graph_name="middle", state_model=State).set_entrypoint("y")
    middle.add_node("y", inner.build(), terminal=True)
    b = graph().set_entrypoint("a").add_node("a", middle.build(), terminal=True)
    assert build_error(b) == (
        "Graph 'g': node 'a' runs subgraph 'middle', which contains graph 'g' itself; "
        "subgraphs cannot form a cycle"
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"next_node": []}, "node 'a' has an empty next_node list; give at least one node"),
        ({"next_node": ["b", "b"]}, "node 'a' next_node lists 'b' twice"),
        (
            {"next_node": ["b", "zz"]},
            "node 'a' has next_node 'zz', which is not a node; nodes: 'a', 'b'",
        ),
        (
            {"next_node": "b", "timeout": 5},
            "node 'a' timeout must be a datetime.timedelta; got 5",
        ),
        (
            {"next_node": "b", "timeout": timedelta(0)},
            "node 'a' timeout must be > 0; got datetime.timedelta(0)",
        ),
        (
            {"next_node": "b", "on_error": "a"},
            "node 'a' on_error names the node itself; name another node",
        ),
        (
            {"next_node": "b", "on_error": "zz"},
            "node 'a' on_error 'zz' is not a node; nodes: 'a', 'b'",
        ),
        (
            {"next_node": "b", "retry": RetryPolicy(max_attempts=0)},
            "node 'a' retry max_attempts must be an integer >= 1; got 0",
        ),
        (
            {"next_node": "b", "retry": {"max_attempts": 2}},
            "node 'a' retry must be a RetryPolicy; got {'max_attempts': 2}",
        ),
        (
            {"next_node": "b", "input_model": dict},
            "node 'a' input_model must be a Pydantic v2 BaseModel subclass; got <class 'dict'>",
        ),
    ],
)
def test_rejects_bad_node_options(options: dict, message: str):
    b = graph().set_entrypoint("a")
    b.add_node("a", noop, **options)
    b.add_node("b", noop, terminal=True)
    assert build_error(b) == f"Graph 'g': {message}"


def test_rejects_a_payload_model_that_is_not_a_model():
    b = graph().set_entrypoint("a").add_node("a", noop, terminal=True)
    b.add_event_handler("e", lambda s, p: None, payload_model=str)  # type: ignore[arg-type]
    assert build_error(b) == (
        "Graph 'g': event handler 'e' payload_model must be a Pydantic v2 BaseModel subclass; "
        "got <class 'str'>"
    )
