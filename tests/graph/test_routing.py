"""Route normalisation: every accepted return form, and each rejection."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from azure_functions_durable_graph import ManifestBuilder, RouteDecision, RouteError
from azure_functions_durable_graph.graph.routing import normalize_route, validate_against_manifest


def norm(value: object, static_next: str | None = None) -> RouteDecision:
    return normalize_route(value, graph_name="g", node="n", static_next=static_next)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (RouteDecision.next("b"), RouteDecision(kind="next", next_node="b")),
        (RouteDecision.complete(), RouteDecision(kind="complete")),
        (
            RouteDecision.wait_for_event(event_name="approval", resume_node="apply"),
            RouteDecision(kind="wait_for_event", event_name="approval", resume_node="apply"),
        ),
        ("b", RouteDecision.next("b")),
        ("__complete__", RouteDecision.complete()),
        ({"kind": "next", "next_node": "b"}, RouteDecision.next("b")),
        ({"next_node": "b"}, RouteDecision.next("b")),
        ({"kind": "complete"}, RouteDecision.complete()),
        (
            {"kind": "wait_for_event", "event_name": "approval", "resume_node": "apply"},
            RouteDecision.wait_for_event("approval", "apply"),
        ),
        (
            {"event_name": "approval", "resume_node": "apply"},
            RouteDecision.wait_for_event("approval", "apply"),
        ),
        (RouteDecision.next("b").to_dict(), RouteDecision.next("b")),
        (
            {"kind": "next", "next_node": "b", "event_name": None, "resume_node": None},
            RouteDecision.next("b"),
        ),
    ],
)
def test_accepted_forms(value, expected):
    assert norm(value) == expected


def test_none_follows_the_static_edge():
    assert norm(None, static_next="b") == RouteDecision.next("b")


def test_none_without_static_edge_completes():
    assert norm(None) == RouteDecision.complete()


def test_to_dict_is_the_wire_form():
    assert RouteDecision.wait_for_event("e", "r").to_dict() == {
        "kind": "wait_for_event",
        "next_node": None,
        "event_name": "e",
        "resume_node": "r",
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            42,
            "route must return a RouteDecision, a node name, '__complete__', a dict or None; "
            "got int 42",
        ),
        (
            ["b"],
            "route must return a RouteDecision, a node name, '__complete__', a dict or None; "
            "got list ['b']",
        ),
        ("", "a 'next' route needs a non-empty 'next_node'"),
        (
            {"kind": "jump", "next_node": "b"},
            "route dict 'kind' must be one of ['next', 'complete', 'wait_for_event']; got 'jump'",
        ),
        (
            {"node": "b"},
            "route dict has unknown keys ['node']; allowed keys: "
            "['kind', 'next_node', 'event_name', 'resume_node', 'timeout_seconds', "
            "'timeout_node']",
        ),
        ({}, "route dict needs 'kind' or one of 'next_node' / 'event_name'; got {}"),
        ({"kind": "next"}, "a 'next' route needs a non-empty 'next_node'"),
        (
            {"kind": "complete", "next_node": "b"},
            "a 'complete' route cannot have 'next_node' (got 'b')",
        ),
        ({"event_name": "e"}, "a 'wait_for_event' route needs a non-empty 'resume_node'"),
        ({"next_node": 3}, "route dict 'next_node' must be a string; got int"),
        (
            RouteDecision(kind="next", next_node="b", event_name="e"),
            "a 'next' route cannot have 'event_name' (got 'e')",
        ),
    ],
)
def test_rejections(value, message):
    with pytest.raises(RouteError) as info:
        norm(value)
    assert str(info.value) == f"Graph 'g', node 'n': {message}"
    assert info.value.node == "n"


class State(BaseModel):
    x: int = 0


def manifest():
    b = ManifestBuilder(graph_name="g", state_model=State).set_entrypoint("a")
    b.add_node("a", lambda s: None, route=lambda s: None)
    b.add_node("b", lambda s: None, terminal=True)
    b.add_event_handler("approval", lambda s, p: None)
    return b.build().manifest


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        (
            RouteDecision.next("zz"),
            "route chose next node 'zz', which is not a node; nodes: 'a', 'b'",
        ),
        (
            RouteDecision.wait_for_event("approval", "zz"),
            "route chose resume node 'zz', which is not a node; nodes: 'a', 'b'",
        ),
        (
            RouteDecision.wait_for_event("other", "b"),
            "route waits for event 'other', which has no event handler; event handlers: 'approval'",
        ),
    ],
)
def test_decisions_must_name_known_nodes_and_events(decision, message):
    with pytest.raises(RouteError) as info:
        validate_against_manifest(decision, manifest(), "a")
    assert str(info.value) == f"Graph 'g', node 'a': {message}"


def test_valid_decisions_pass_the_manifest_check():
    m = manifest()
    for decision in (
        RouteDecision.next("b"),
        RouteDecision.complete(),
        RouteDecision.wait_for_event("approval", "b"),
    ):
        assert validate_against_manifest(decision, m, "a") == decision


def declared_manifest():
    """Node 'a' may only route to 'b' or complete; its static next_node is 'c'."""
    b = ManifestBuilder(graph_name="g", state_model=State).set_entrypoint("a")
    b.add_node("a", lambda s: None, next_node="c", route=lambda s: None, route_targets=["b"])
    b.add_node("b", lambda s: None, route=lambda s: None, route_targets=["__complete__"])
    b.add_node("c", lambda s: None, terminal=True)
    b.add_event_handler("approval", lambda s, p: None)
    return b.build().manifest


@pytest.mark.parametrize(
    ("node", "decision"),
    [
        ("a", RouteDecision.next("b")),
        ("a", RouteDecision.next("c")),  # the static next_node (what None falls back to)
        ("a", RouteDecision.wait_for_event("approval", "b")),
        ("b", RouteDecision.complete()),
    ],
)
def test_declared_route_targets_allow_what_they_list(node, decision):
    assert validate_against_manifest(decision, declared_manifest(), node) == decision


@pytest.mark.parametrize(
    ("node", "decision", "message"),
    [
        (
            "a",
            RouteDecision.complete(),
            "route chose '__complete__', which is not in its route_targets ['b']",
        ),
        ("a", RouteDecision.next("a"), "route chose 'a', which is not in its route_targets ['b']"),
        (
            "a",
            RouteDecision.wait_for_event("approval", "a"),
            "route chose 'a', which is not in its route_targets ['b']",
        ),
        (
            "b",
            RouteDecision.next("c"),
            "route chose 'c', which is not in its route_targets ['__complete__']",
        ),
    ],
)
def test_declared_route_targets_reject_anything_else(node, decision, message):
    with pytest.raises(RouteError) as info:
        validate_against_manifest(decision, declared_manifest(), node)
    assert str(info.value) == (
        f"Graph 'g', node {node!r}: {message}; add it to route_targets=[...] in add_node() "
        "if the route may go there"
    )
