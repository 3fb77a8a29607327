"""What `ManifestBuilder.add_node` records, and the check of a node's route targets."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import NoReturn

from .manifest import GraphRegistration, NodeHandler, RouteHandler
from .node_options import NodeOptions
from .routing import COMPLETE


@dataclass(frozen=True)
class NodeSpec:
    """What one add_node call recorded; build() checks it."""

    name: str
    handler: NodeHandler | GraphRegistration
    next_node: object  # checked in build(): a node name or a list of them
    route: RouteHandler | None
    terminal: bool
    route_targets: object  # checked in build(): a list of node names and/or "__complete__"
    options: NodeOptions
    declared_at: str | None  # the user's file:line of add_node
    destinations: object = None  # checked in build(): where its Command(goto=...) may go


def route_targets_of(
    spec: NodeSpec, nodes: Mapping[str, NodeSpec], fail: Callable[[str], NoReturn]
) -> tuple[str, ...] | None:
    """The node's declared route targets (or Command destinations), checked against the
    graph's nodes."""
    declared = spec.route_targets
    where = f"node {spec.name!r} route_targets"
    if spec.destinations is not None and declared is None:
        declared, where = spec.destinations, f"node {spec.name!r} destinations"
    if declared is None:
        return None
    if spec.route is None and spec.destinations is None:
        fail(f"{where} needs a route; route_targets lists what the route may choose")
    if isinstance(declared, (str, bytes)) or not isinstance(declared, Iterable):
        fail(f"{where} must be a list of node names and/or {COMPLETE!r}; got {declared!r}")
    targets = tuple(declared)
    if not targets:
        fail(f"{where} is empty; list at least one node name or {COMPLETE!r}")
    allowed = [*nodes, COMPLETE]
    for target in targets:
        if target not in allowed:
            fail(
                f"{where} names {target!r}, which is not a node or {COMPLETE!r}; "
                f"nodes: {', '.join(repr(n) for n in nodes)}"
            )
    duplicates = sorted({t for t in targets if targets.count(t) > 1})
    if duplicates:
        fail(f"{where} lists {', '.join(repr(d) for d in duplicates)} more than once")
    return targets
