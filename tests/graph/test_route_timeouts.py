"""Waits with a timeout: how the decision is written, normalised and checked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import BaseModel

from azure_functions_durable_graph import ManifestBuilder, RouteDecision, RouteError
from azure_functions_durable_graph.graph.routing import normalize_route, validate_against_manifest

THREE_DAYS = timedelta(hours=72)


def norm(value: object) -> RouteDecision:
    return normalize_route(value, graph_name="g", node="n", static_next=None)


def test_wait_for_event_with_a_timeout_keeps_it_and_its_node():
    decision = RouteDecision.wait_for_event(
        event_name="manager_approval",
        resume_node="apply_decision",
        timeout=THREE_DAYS,
        timeout_node="escalate",
    )

    assert norm(decision) == decision
    assert (decision.timeout, decision.timeout_node) == (THREE_DAYS, "escalate")


def test_the_wire_form_carries_the_timeout_in_seconds():
    decision = RouteDecision.wait_for_event("e", "r", timeout=THREE_DAYS, timeout_node="t")

    assert decision.to_dict() == {
        "kind": "wait_for_event",
        "next_node": None,
        "event_name": "e",
        "resume_node": "r",
        "timeout_seconds": 259200.0,
        "timeout_node": "t",
    }
    assert norm(decision.to_dict()) == decision


@pytest.mark.parametrize(
    "value",
    [
        {"event_name": "e", "resume_node": "r", "timeout_seconds": 259200, "timeout_node": "t"},
        {
            "kind": "wait_for_event",
            "event_name": "e",
            "resume_node": "r",
            "timeout_seconds": 259200.0,
            "timeout_node": "t",
        },
    ],
)
def test_the_dict_form_takes_timeout_seconds(value):
    assert norm(value) == RouteDecision.wait_for_event(
        "e", "r", timeout=THREE_DAYS, timeout_node="t"
    )


def test_timeout_node_may_complete_the_run():
    decision = RouteDecision.wait_for_event(
        "e", "r", timeout=timedelta(minutes=5), timeout_node="__complete__"
    )
    assert norm(decision) == decision


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            RouteDecision.wait_for_event("e", "r", timeout=THREE_DAYS),
            "a 'wait_for_event' route with a timeout needs a non-empty 'timeout_node' "
            "(a node, or '__complete__' to complete the run when the timeout passes); got None",
        ),
        (
            RouteDecision.wait_for_event("e", "r", timeout_node="t"),
            "a 'wait_for_event' route has timeout_node 't' but no timeout; give both or neither",
        ),
        (
            RouteDecision.wait_for_event("e", "r", timeout=timedelta(0), timeout_node="t"),
            "a 'wait_for_event' route's timeout must be > 0; got datetime.timedelta(0)",
        ),
        (
            RouteDecision.wait_for_event("e", "r", timeout=timedelta(seconds=-5), timeout_node="t"),
            "a 'wait_for_event' route's timeout must be > 0; "
            "got datetime.timedelta(days=-1, seconds=86395)",
        ),
        (
            RouteDecision.wait_for_event("e", "r", timeout=60, timeout_node="t"),  # type: ignore[arg-type]
            "a 'wait_for_event' route's timeout must be a datetime.timedelta; got int 60",
        ),
        (
            {"event_name": "e", "resume_node": "r", "timeout_seconds": 0, "timeout_node": "t"},
            "route dict 'timeout_seconds' must be > 0; got 0",
        ),
        (
            {"event_name": "e", "resume_node": "r", "timeout_seconds": "60", "timeout_node": "t"},
            "route dict 'timeout_seconds' must be a finite number of seconds; got str '60'",
        ),
        (
            {"event_name": "e", "resume_node": "r", "timeout_seconds": True, "timeout_node": "t"},
            "route dict 'timeout_seconds' must be a finite number of seconds; got bool True",
        ),
        (
            {
                "event_name": "e",
                "resume_node": "r",
                "timeout_seconds": float("inf"),
                "timeout_node": "t",
            },
            "route dict 'timeout_seconds' must be a finite number of seconds; got float inf",
        ),
        (
            {"event_name": "e", "resume_node": "r", "timeout_seconds": 60},
            "a 'wait_for_event' route with a timeout needs a non-empty 'timeout_node' "
            "(a node, or '__complete__' to complete the run when the timeout passes); got None",
        ),
        (
            {"event_name": "e", "resume_node": "r", "timeout_seconds": 60, "timeout_node": 7},
            "route dict 'timeout_node' must be a string; got int",
        ),
        (
            {"kind": "next", "next_node": "b", "timeout_node": "t"},
            "a 'next' route cannot have 'timeout_node' (got 't')",
        ),
        (
            RouteDecision(kind="complete", timeout=THREE_DAYS),
            "a 'complete' route cannot have 'timeout' (got datetime.timedelta(days=3))",
        ),
    ],
)
def test_timeout_rejections(value, message):
    with pytest.raises(RouteError) as info:
        norm(value)
    assert str(info.value) == f"Graph 'g', node 'n': {message}"


class State(BaseModel):
    x: int = 0


def manifest(route_targets: list[str] | None = None):
    b = ManifestBuilder(graph_name="g", state_model=State).set_entrypoint("ask")
    b.add_node("ask", lambda s: None, route=lambda s: None, route_targets=route_targets)
    b.add_node("apply", lambda s: None, terminal=True)
    b.add_node("escalate", lambda s: None, terminal=True)
    b.add_event_handler("approval", lambda s, p: None)
    return b.build().manifest


def waits(timeout_node: str) -> RouteDecision:
    return RouteDecision.wait_for_event(
        "approval", "apply", timeout=THREE_DAYS, timeout_node=timeout_node
    )


def test_timeout_node_must_be_a_node_or_complete():
    assert validate_against_manifest(waits("escalate"), manifest(), "ask") == waits("escalate")
    assert validate_against_manifest(waits("__complete__"), manifest(), "ask")

    with pytest.raises(RouteError) as info:
        validate_against_manifest(waits("nowhere"), manifest(), "ask")

    assert str(info.value) == (
        "Graph 'g', node 'ask': route chose timeout node 'nowhere', which is not a node or "
        "'__complete__'; nodes: 'ask', 'apply', 'escalate'"
    )


def test_declared_route_targets_must_list_the_timeout_node_too():
    declared = manifest(route_targets=["apply", "escalate"])
    assert validate_against_manifest(waits("escalate"), declared, "ask") == waits("escalate")

    with pytest.raises(RouteError) as info:
        validate_against_manifest(waits("escalate"), manifest(route_targets=["apply"]), "ask")

    assert str(info.value) == (
        "Graph 'g', node 'ask': route chose 'escalate', which is not in its route_targets "
        "['apply']; add it to route_targets=[...] in add_node() if the route may go there"
    )
