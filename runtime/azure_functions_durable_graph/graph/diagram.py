"""A graph as a Mermaid flowchart, drawn from its manifest alone.

    flowchart TD
        start(("start"))
        n0["classify"]
        n1(["apply_decision"])
        complete(("complete"))
        start --> n0
        n0 -.-> n1
        n0 -.-> complete
        n1 --> complete

Static edges are solid; a route's possible choices are dashed, and drawn only
when the node declared `route_targets` (otherwise one dashed edge to "?").
Terminal nodes are stadium-shaped and lead to the "complete" marker; a fan-out
(`next_node=[...]`) is several solid edges; `Send` targets are drawn like any
declared route target; subgraph nodes are subroutine boxes, deferred nodes
parallelograms, and `on_error` hand-offs dashed edges labelled "on error". Event
waits are decided by routes at run time, so no diagram can show them.

Node ids are generated (n0, n1, ...) because node names may hold characters
Mermaid treats as syntax; the names appear only as quoted labels.
"""

from __future__ import annotations

from .manifest import GraphManifest, NodeDefinition
from .routing import COMPLETE

START = "start"
END = "complete"
UNKNOWN = "unknown"


def to_mermaid(manifest: GraphManifest) -> str:
    """Mermaid `flowchart TD` text for `manifest` (no trailing newline)."""
    ids = {name: f"n{index}" for index, name in enumerate(manifest.nodes)}
    edges = [f"{START} --> {ids[manifest.entrypoint]}"]
    for name, node in manifest.nodes.items():
        source = ids[name]
        edges.extend(f"{source} --> {ids[target]}" for target in node.next_nodes)
        if node.on_error is not None:
            edges.append(f'{source} -. "on error" .-> {ids[node.on_error]}')
        if node.terminal:
            edges.append(f"{source} --> {END}")
        if not node.has_route and node.route_targets is None:
            continue
        if node.route_targets is None:
            edges.append(f"{source} -.-> {UNKNOWN}")
            continue
        for target in node.route_targets:
            if target in node.next_nodes:
                continue  # already drawn as the solid fallback edge
            edges.append(f"{source} -.-> {END if target == COMPLETE else ids[target]}")

    shapes = [f'{START}(("start"))']
    for name, node in manifest.nodes.items():
        label = _label(name)
        shapes.append(f"{ids[name]}{_shape(node, label)}")
    targets = {edge.rsplit(" ", 1)[1] for edge in edges}
    if END in targets:
        shapes.append(f'{END}(("complete"))')
    if UNKNOWN in targets:
        shapes.append(f'{UNKNOWN}{{{{"?"}}}}')
    return "\n".join(["flowchart TD", *(f"    {line}" for line in [*shapes, *edges])])


def _label(name: str) -> str:
    """A quoted Mermaid label; '#' and '"' become entity codes so any name renders."""
    return '"' + name.replace("#", "#35;").replace('"', "#quot;") + '"'


def _shape(node: NodeDefinition, label: str) -> str:
    """Terminal: stadium; subgraph: subroutine box; deferred: parallelogram; else a box."""
    if node.subgraph is not None:
        return f"[[{label}]]"
    if node.terminal:
        return f"([{label}])"
    if node.defer:
        return f"[/{label}/]"
    return f"[{label}]"
