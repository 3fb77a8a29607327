"""ManifestBuilder: what build() produces, and each rejection with its exact message."""

from __future__ import annotations

from datetime import timedelta

import pydantic.v1
import pytest
from pydantic import BaseModel

from azure_functions_durable_graph import ManifestBuilder, ManifestError
from azure_functions_durable_graph.graph.manifest import GraphManifest


class State(BaseModel):
    count: int = 0


def increment(state: State) -> dict:
    return {"count": state.count + 1}


def test_graph_build():
    b = ManifestBuilder(graph_name="test", state_model=State)
    b.set_entrypoint("inc")
    b.add_node("inc", increment, terminal=True)
    reg = b.build()
    assert reg.manifest.graph_name == "test"
    assert reg.manifest.entrypoint == "inc"
    assert "inc" in reg.manifest.nodes


def test_manifest_fields():
    b = ManifestBuilder(
        graph_name="flow", state_model=State, version="2.1", metadata={"team": "ops"}, max_steps=7
    )
    b.set_entrypoint("a")
    b.add_node("a", increment, next_node="b")
    b.add_node("b", increment, route=lambda s: None)
    b.add_node("c", increment, terminal=True)
    b.add_event_handler("poke", lambda s, p: None)
    manifest = b.build().manifest

    assert manifest.version == "2.1"
    assert manifest.state_model_name == "State"
    assert manifest.state_schema == State.model_json_schema()
    assert manifest.event_handlers == ["poke"]
    assert manifest.metadata == {"team": "ops"}
    assert manifest.max_steps == 7
    assert manifest.nodes["a"].next_node == "b"
    assert manifest.nodes["b"].has_route and manifest.nodes["b"].next_node is None
    assert manifest.nodes["c"].terminal
    assert manifest.edges == [("a", "b")]
    assert len(manifest.graph_hash) == 16


def test_handlers_are_kept_by_name():
    def make(amount: int):
        return lambda s: {"count": s.count + amount}

    b = ManifestBuilder(graph_name="factory", state_model=State)
    b.set_entrypoint("one")
    b.add_node("one", make(1), next_node="two")
    b.add_node("two", make(2), terminal=True)
    reg = b.build()

    assert reg.node_handlers["one"](State()) == {"count": 1}
    assert reg.node_handlers["two"](State()) == {"count": 2}


def build_error(b: ManifestBuilder) -> str:
    with pytest.raises(ManifestError) as info:
        b.build()
    assert info.value.graph_name == b.graph_name
    return str(info.value)


def graph(**kwargs) -> ManifestBuilder:
    return ManifestBuilder(graph_name="g", state_model=State, **kwargs)


def test_rejects_missing_entrypoint():
    b = graph().add_node("a", increment, terminal=True)
    assert build_error(b) == (
        "Graph 'g': has no entrypoint; call set_entrypoint(<node name>) before build()"
    )


def test_rejects_entrypoint_that_is_not_a_node():
    b = graph().set_entrypoint("nope").add_node("a", increment, terminal=True)
    assert build_error(b) == "Graph 'g': entrypoint 'nope' is not a node; nodes: 'a'"


def test_rejects_next_node_that_is_not_a_node():
    b = graph().set_entrypoint("a").add_node("a", increment, next_node="zz")
    assert build_error(b) == (
        "Graph 'g': node 'a' has next_node 'zz', which is not a node; nodes: 'a'"
    )


def test_rejects_terminal_node_with_next_node():
    b = graph().set_entrypoint("a")
    b.add_node("a", increment, next_node="b", terminal=True)
    b.add_node("b", increment, terminal=True)
    assert build_error(b) == (
        "Graph 'g': node 'a' is terminal and cannot have a next_node (got 'b')"
    )


def test_rejects_terminal_node_with_route():
    b = graph().set_entrypoint("a").add_node("a", increment, route=lambda s: None, terminal=True)
    assert build_error(b) == "Graph 'g': node 'a' is terminal and cannot have a route"


def test_rejects_duplicate_node_name():
    b = graph().set_entrypoint("a")
    b.add_node("a", increment, terminal=True)
    b.add_node("a", increment, terminal=True)
    assert build_error(b) == "Graph 'g': node 'a' is added twice; node names must be unique"


def test_rejects_non_terminal_node_without_edge():
    b = graph().set_entrypoint("a").add_node("a", increment)
    assert build_error(b) == (
        "Graph 'g': node 'a' is not terminal and has neither next_node nor route; "
        "give it one, or mark it terminal=True"
    )


def test_rejects_state_model_that_is_not_pydantic_v2():
    class Old(pydantic.v1.BaseModel):
        x: int = 0

    b = ManifestBuilder(graph_name="g", state_model=Old)  # type: ignore[arg-type]
    b.set_entrypoint("a").add_node("a", increment, terminal=True)
    assert build_error(b) == (
        f"Graph 'g': state_model must be a Pydantic v2 BaseModel subclass; got {Old!r}"
    )


def test_rejects_state_model_that_is_a_dict():
    b = ManifestBuilder(graph_name="g", state_model=dict)  # type: ignore[arg-type]
    b.set_entrypoint("a").add_node("a", increment, terminal=True)
    assert build_error(b) == (
        "Graph 'g': state_model must be a Pydantic v2 BaseModel subclass; got <class 'dict'>"
    )


def test_rejects_graph_name_unfit_for_urls():
    b = ManifestBuilder(graph_name="my graph/x", state_model=State)
    assert build_error(b) == (
        "Graph 'my graph/x': graph_name must be 1-64 letters, digits, '_' or '-' "
        "(it is part of URLs); got 'my graph/x'"
    )


def test_rejects_bad_max_steps():
    b = graph(max_steps=0).set_entrypoint("a").add_node("a", increment, terminal=True)
    assert build_error(b) == "Graph 'g': max_steps must be an integer >= 1; got 0"


def test_rejects_handler_that_is_not_callable():
    b = graph().set_entrypoint("a").add_node("a", "increment", terminal=True)  # type: ignore[arg-type]
    assert build_error(b) == (
        "Graph 'g': node 'a' handler must be callable or a GraphRegistration (a subgraph); "
        "got 'increment'"
    )


def test_rejects_duplicate_event_handler():
    b = graph().set_entrypoint("a").add_node("a", increment, terminal=True)
    b.add_event_handler("e", lambda s, p: None)
    b.add_event_handler("e", lambda s, p: None)
    assert build_error(b) == (
        "Graph 'g': event handler 'e' is added twice; event names must be unique"
    )


def test_rejects_reserved_node_name():
    b = graph().set_entrypoint("__complete__").add_node("__complete__", increment, terminal=True)
    assert build_error(b) == (
        "Graph 'g': node names must be non-empty strings other than '__complete__'; "
        "got '__complete__'"
    )


def test_rejects_metadata_that_is_not_json():
    b = graph(metadata={"when": object()})
    b.set_entrypoint("a").add_node("a", increment, terminal=True)
    assert build_error(b).startswith("Graph 'g': metadata must be JSON-serialisable: ")


def route_graph(route_targets) -> ManifestBuilder:
    b = graph().set_entrypoint("a")
    b.add_node("a", increment, route=lambda s: None, route_targets=route_targets)
    b.add_node("b", increment, terminal=True)
    return b


def test_route_targets_are_kept_in_the_manifest():
    manifest = route_graph(["b", "__complete__"]).build().manifest
    assert manifest.nodes["a"].route_targets == ("b", "__complete__")
    assert manifest.nodes["b"].route_targets is None
    assert manifest.model_dump(mode="json")["nodes"]["a"]["route_targets"] == ["b", "__complete__"]


@pytest.mark.parametrize(
    ("route_targets", "message"),
    [
        (
            ["b", "zz"],
            "node 'a' route_targets names 'zz', which is not a node or '__complete__'; "
            "nodes: 'a', 'b'",
        ),
        ([], "node 'a' route_targets is empty; list at least one node name or '__complete__'"),
        (
            "b",
            "node 'a' route_targets must be a list of node names and/or '__complete__'; got 'b'",
        ),
        (["b", "b"], "node 'a' route_targets lists 'b' more than once"),
    ],
)
def test_rejects_bad_route_targets(route_targets, message):
    assert build_error(route_graph(route_targets)) == f"Graph 'g': {message}"


def test_rejects_route_targets_without_a_route():
    b = graph().set_entrypoint("a")
    b.add_node("a", increment, next_node="b", route_targets=["b"])
    b.add_node("b", increment, terminal=True)
    assert build_error(b) == (
        "Graph 'g': node 'a' route_targets needs a route; "
        "route_targets lists what the route may choose"
    )


def test_max_steps_defaults_to_1000():
    b = graph().set_entrypoint("a").add_node("a", increment, terminal=True)
    assert b.build().manifest.max_steps == 1000


def test_error_forms_name_node_timeouts_and_leave_the_hash_alone():
    form = {"type": "NodeTimeoutError", "message": "node a timed out"}

    def build(**kwargs) -> object:
        builder = graph(**kwargs).add_node(
            "a", increment, terminal=True, timeout=timedelta(seconds=5)
        )
        return builder.set_entrypoint("a").build()

    named = build(error_forms={"timeout:a": form})

    assert named.manifest.error_forms == {"timeout:a": form}
    assert named.graph_hash == build().graph_hash
    with pytest.raises(ManifestError, match="names node timeouts only"):
        graph(error_forms={"step_limit": form})


def test_breakpoints_name_nodes_of_the_graph_or_every_node() -> None:
    def build(**breakpoints: object) -> GraphManifest:
        builder = ManifestBuilder("bp", state_model=State, **breakpoints)  # type: ignore[arg-type]
        builder.set_entrypoint("a").add_node("a", lambda s: None, terminal=True)
        return builder.build().manifest

    assert build(interrupt_before=["a"]).interrupt_before == ["a"]
    assert build(interrupt_after="*").interrupt_after == "*"
    assert build().graph_hash != build(interrupt_before=["a"]).graph_hash
    with pytest.raises(ManifestError, match="interrupt_before names node 'b'"):
        build(interrupt_before=["b"])
    with pytest.raises(ManifestError, match="interrupt_after must be '\\*' or a list"):
        build(interrupt_after="a")
