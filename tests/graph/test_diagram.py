"""to_mermaid: the exact flowchart text for small graphs."""

from __future__ import annotations

from pydantic import BaseModel

from azure_functions_durable_graph import ManifestBuilder, RouteDecision, to_mermaid


class Expense(BaseModel):
    amount: int = 0


def route(state: Expense) -> RouteDecision:
    return RouteDecision.next("auto_approve")


def test_static_edges_are_solid_and_terminal_nodes_lead_to_complete():
    b = ManifestBuilder(graph_name="my_graph", state_model=Expense)
    b.set_entrypoint("process")
    b.add_node("process", lambda s: None, next_node="finalize")
    b.add_node("finalize", lambda s: None, terminal=True)

    assert to_mermaid(b.build().manifest) == (
        "flowchart TD\n"
        '    start(("start"))\n'
        '    n0["process"]\n'
        '    n1(["finalize"])\n'
        '    complete(("complete"))\n'
        "    start --> n0\n"
        "    n0 --> n1\n"
        "    n1 --> complete"
    )


def test_declared_route_targets_are_dashed_and_undeclared_ones_point_at_a_question_mark():
    b = ManifestBuilder(graph_name="expenses", state_model=Expense)
    b.set_entrypoint("classify")
    b.add_node(
        "classify", lambda s: None, route=route, route_targets=["auto_approve", "__complete__"]
    )
    b.add_node("auto_approve", lambda s: None, next_node="apply", route=route)
    b.add_node("apply", lambda s: None, terminal=True)

    assert to_mermaid(b.build().manifest) == (
        "flowchart TD\n"
        '    start(("start"))\n'
        '    n0["classify"]\n'
        '    n1["auto_approve"]\n'
        '    n2(["apply"])\n'
        '    complete(("complete"))\n'
        '    unknown{{"?"}}\n'
        "    start --> n0\n"
        "    n0 -.-> n1\n"
        "    n0 -.-> complete\n"
        "    n1 --> n2\n"
        "    n1 -.-> unknown\n"
        "    n2 --> complete"
    )


def test_a_route_target_that_is_also_the_static_edge_is_drawn_once_solid():
    b = ManifestBuilder(graph_name="g", state_model=Expense)
    b.set_entrypoint("a")
    b.add_node("a", lambda s: None, next_node="b", route=route, route_targets=["b", "a"])
    b.add_node("b", lambda s: None, terminal=True)

    edges = to_mermaid(b.build().manifest).splitlines()[5:]
    assert edges == ["    start --> n0", "    n0 --> n1", "    n0 -.-> n0", "    n1 --> complete"]


def test_a_loop_without_terminal_nodes_has_no_complete_marker():
    b = ManifestBuilder(graph_name="loop", state_model=Expense)
    b.set_entrypoint("tick")
    b.add_node("tick", lambda s: None, next_node="tick")

    assert to_mermaid(b.build().manifest) == (
        'flowchart TD\n    start(("start"))\n    n0["tick"]\n    start --> n0\n    n0 --> n0'
    )


def test_names_with_mermaid_syntax_are_escaped_labels():
    b = ManifestBuilder(graph_name="g", state_model=Expense)
    b.set_entrypoint('say "hi" #1')
    b.add_node('say "hi" #1', lambda s: None, terminal=True)

    assert '    n0(["say #quot;hi#quot; #35;1"])' in to_mermaid(b.build().manifest).splitlines()


def test_fan_out_send_targets_subgraphs_deferred_nodes_and_error_routes_are_drawn():
    child = ManifestBuilder(graph_name="child", state_model=Expense).set_entrypoint("x")
    child.add_node("x", lambda s: None, terminal=True)
    b = ManifestBuilder(graph_name="parallel", state_model=Expense)
    b.set_entrypoint("split")
    b.add_node("split", lambda s: None, next_node=["left", "right"])
    b.add_node("left", lambda s: None, route=lambda s: [], route_targets=["work"])
    b.add_node("right", child.build(), next_node="join", on_error="join")
    b.add_node("work", lambda s: None, next_node="join")
    b.add_node("join", lambda s: None, next_node="end", defer=True)
    b.add_node("end", lambda s: None, terminal=True)

    assert to_mermaid(b.build().manifest) == (
        "flowchart TD\n"
        '    start(("start"))\n'
        '    n0["split"]\n'
        '    n1["left"]\n'
        '    n2[["right"]]\n'
        '    n3["work"]\n'
        '    n4[/"join"/]\n'
        '    n5(["end"])\n'
        '    complete(("complete"))\n'
        "    start --> n0\n"
        "    n0 --> n1\n"
        "    n0 --> n2\n"
        "    n1 -.-> n3\n"
        "    n2 --> n4\n"
        '    n2 -. "on error" .-> n4\n'
        "    n3 --> n4\n"
        "    n4 --> n5\n"
        "    n5 --> complete"
    )
