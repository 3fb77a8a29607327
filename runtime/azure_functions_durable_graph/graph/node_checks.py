"""The node checks of `ManifestBuilder.build()`: names, handlers, the entrypoint, and
how each node says where the run goes next.

Each error names the file:line where the node was declared (`at` moves the builder's
error site there), so a mistake points at the user's `add_node` call, not at `build()`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NoReturn

from .manifest import GraphRegistration
from .node_spec import NodeSpec
from .routing import COMPLETE

Fail = Callable[[str], NoReturn]


def checked_nodes(
    specs: Sequence[NodeSpec],
    entrypoint: str | None,
    fail: Fail,
    at: Callable[[str | None], None],
    build_site: str | None,
) -> dict[str, NodeSpec]:
    """The nodes by name, once each is well formed and the entrypoint is one of them."""
    nodes: dict[str, NodeSpec] = {}
    for spec in specs:
        at(spec.declared_at)
        _check_declared(spec, nodes, fail)
        nodes[spec.name] = spec
    at(build_site)
    if not nodes:
        fail("has no nodes; add at least one with add_node()")
    known = ", ".join(repr(n) for n in nodes)
    if entrypoint is None:
        fail("has no entrypoint; call set_entrypoint(<node name>) before build()")
    if entrypoint not in nodes:
        fail(f"entrypoint {entrypoint!r} is not a node; nodes: {known}")
    for spec in nodes.values():
        at(spec.declared_at)
        _check_next(spec, fail)
    at(build_site)
    return nodes


def _check_declared(spec: NodeSpec, nodes: dict[str, NodeSpec], fail: Fail) -> None:
    if not isinstance(spec.name, str) or not spec.name or spec.name == COMPLETE:
        fail(f"node names must be non-empty strings other than {COMPLETE!r}; got {spec.name!r}")
    if spec.name in nodes:
        fail(f"node {spec.name!r} is added twice; node names must be unique")
    if not callable(spec.handler) and not isinstance(spec.handler, GraphRegistration):
        fail(
            f"node {spec.name!r} handler must be callable or a GraphRegistration "
            f"(a subgraph); got {spec.handler!r}"
        )
    if spec.route is not None and not callable(spec.route):
        fail(f"node {spec.name!r} route must be callable; got {spec.route!r}")


def _check_next(spec: NodeSpec, fail: Fail) -> None:
    """A node ends the run, or names its next node, or routes, or only goes by Command."""
    if spec.terminal and spec.next_node is not None:
        fail(f"node {spec.name!r} is terminal and cannot have a next_node (got {spec.next_node!r})")
    if spec.terminal and spec.route is not None:
        fail(f"node {spec.name!r} is terminal and cannot have a route")
    others = (spec.terminal, spec.route is not None, spec.route_targets is not None)
    if spec.destinations is not None and any(others):
        fail(
            f"node {spec.name!r} has destinations, which are for a node that routes "
            "only with Command(goto=...); drop terminal/route/route_targets, or "
            "drop destinations"
        )
    if (
        not spec.terminal
        and spec.next_node is None
        and spec.route is None
        and spec.destinations is None
    ):
        fail(
            f"node {spec.name!r} is not terminal and has neither next_node nor route; "
            "give it one, or mark it terminal=True"
        )
