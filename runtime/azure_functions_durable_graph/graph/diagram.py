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
Terminal nodes are stadium-shaped and lead to the "complete" marker. Event
waits are decided by routes at run time, so no diagram can show them.

Node ids are generated (n0, n1, ...) because node names may hold characters
Mermaid treats as syntax; the names appear only as quoted labels.
"""

from __future__ import annotations

from .manifest import GraphManifest
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
        if node.next_node is not None:
            edges.append(f"{source} --> {ids[node.next_node]}")
        if node.terminal:
            edges.append(f"{source} --> {END}")
        if not node.has_route:
            continue
        if node.route_targets is None:
            edges.append(f"{source} -.-> {UNKNOWN}")
            continue
        for target in node.route_targets:
            if target == node.next_node:
                continue  # already drawn as the solid fallback edge
            edges.append(f"{source} -.-> {END if target == COMPLETE else ids[target]}")

    shapes = [f'{START}(("start"))']
    for name, node in manifest.nodes.items():
        label = _label(name)
        shapes.append(f"{ids[name]}([{label}])" if node.terminal else f"{ids[name]}[{label}]")
    targets = {edge.rsplit(" ", 1)[1] for edge in edges}
    if END in targets:
        shapes.append(f'{END}(("complete"))')
    if UNKNOWN in targets:
        shapes.append(f'{UNKNOWN}{{{{"?"}}}}')
    return "\n".join(["flowchart TD", *(f"    {line}" for line in [*shapes, *edges])])


def _label(name: str) -> str:
    """A quoted Mermaid label; '#' and '"' become entity codes so any name renders."""
    return '"' + name.replace("#", "#35;").replace('"', "#quot;") + '"'
