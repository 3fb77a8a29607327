"""Where a superstep goes next: route returns as targets, and LangGraph's planning rules."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from azure_functions_durable_graph import ManifestBuilder, RouteDecision, RouteError, Send
from azure_functions_durable_graph.durable.targets import goto_targets, plan_next, route_targets


class State(BaseModel):
    n: int = 0


def noop(state: State) -> None:
    return None


b = ManifestBuilder(graph_name="g", state_model=State).set_entrypoint("a")
b.add_node("a", noop, route=lambda s: None, next_node=["b", "c"])
b.add_node("b", noop, next_node="d")
b.add_node("c", noop, route=lambda s: None, route_targets=["d", "__complete__"])
b.add_node("d", noop, terminal=True, defer=True)
b.add_node("e", noop, terminal=True)
manifest = b.build().manifest


@pytest.mark.parametrize(
    ("value", "targets"),
    [
        (None, [{"node": "b"}, {"node": "c"}]),
        ("e", [{"node": "e"}]),
        (["b", "e"], [{"node": "b"}, {"node": "e"}]),
        (
            [Send("e", {"x": 1}), "b", "__complete__"],
            [{"node": "e", "arg": {"x": 1}}, {"node": "b"}],
        ),
        (Send("b", 3), [{"node": "b", "arg": 3}]),
        ("__complete__", []),
        (RouteDecision.next("e"), [{"node": "e"}]),
    ],
)
def test_route_returns_become_targets(value: object, targets: list[dict]):
    assert route_targets(value, manifest, "a") == (targets, None)


def test_a_wait_decision_comes_back_as_the_decision():
    b2 = ManifestBuilder(graph_name="w", state_model=State).set_entrypoint("a")
    b2.add_node("a", noop, route=lambda s: None)
    b2.add_node("r", noop, terminal=True)
    b2.add_event_handler("e", lambda s, p: None)
    wait = RouteDecision.wait_for_event("e", "r")

    assert route_targets(wait, b2.build().manifest, "a") == ([], wait)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            ["b", 3],
            "route returned int 3 in a list; a list may hold node names and Send(...) objects",
        ),
        (Send("zz"), "Send chose 'zz', which is not a node; nodes: 'a', 'b', 'c', 'd', 'e'"),
        (
            42,
            "route must return a RouteDecision, a node name, '__complete__', a dict or None; "
            "got int 42",
        ),
    ],
)
def test_a_route_return_that_is_not_a_destination_names_node_and_value(value: object, message: str):
    with pytest.raises(RouteError) as info:
        route_targets(value, manifest, "a")
    assert str(info.value) == f"Graph 'g', node 'a': {message}"


def test_a_declared_route_may_not_send_elsewhere():
    with pytest.raises(RouteError) as info:
        route_targets(["e"], manifest, "c")
    assert "route chose 'e', which is not in its route_targets ['d', '__complete__']" in str(
        info.value
    )


def test_command_goto_accepts_names_and_sends():
    assert goto_targets(["b", Send("e", 1)], manifest, "a") == [
        {"node": "b"},
        {"node": "e", "arg": 1},
    ]


def test_a_node_triggered_twice_runs_once_but_sends_each_run():
    targets = [{"node": "b"}, {"node": "b"}, {"node": "e", "arg": 1}, {"node": "e", "arg": 2}]
    assert plan_next(targets, [], manifest) == (
        [{"node": "b"}, {"node": "e", "arg": 1}, {"node": "e", "arg": 2}],
        [],
    )


def test_a_deferred_node_waits_until_nothing_else_runs():
    active, deferred = plan_next([{"node": "d"}, {"node": "e"}], [], manifest)
    assert (active, deferred) == ([{"node": "e"}], ["d"])
    assert plan_next([], deferred, manifest) == ([{"node": "d"}], [])
    assert plan_next([], [], manifest) == ([], [])
