"""from_langgraph: a LangGraph StateGraph (builder or compiled) as a GraphRegistration.

Mapping (docs/langgraph.md has the full table):
- each node -> an engine node whose handler runs the node's runnable (`NodeRunner`);
- edges and conditional edges -> the node's static next nodes or its route (`BranchRouter`);
- joins (`add_edge([a, b], c)`) -> a hidden barrier key; each source triggers `c`, which
  runs only once the barrier is complete;
- several entry edges or a conditional entry -> a no-op ``__start__`` node routing like START;
- a compiled StateGraph used as a node -> a subgraph registration (a sub-orchestration);
- reducers, input/output schemas -> the `LangGraphCodec`;
- `RetryPolicy`, `defer`, `timeout` -> the engine's node options.
What has no durable equivalent raises `UnsupportedFeature` here, not at run time.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from langgraph.constants import END, START
from langgraph.graph.state import CompiledStateGraph, StateGraph
from langgraph.prebuilt import ToolNode
from langgraph.types import RetryPolicy as LangGraphRetryPolicy

from ..graph.builder import ManifestBuilder
from ..graph.manifest import DEFAULT_MAX_STEPS, GraphRegistration
from ..graph.routing import COMPLETE
from ..graph.types import RetryPolicy
from ._private import BranchSpec
from .codec import LangGraphCodec, join_key
from .errors import LangGraphAdapterError, UnsupportedFeature
from .nodes import BranchRouter, NodeRunner

#: The no-op node that plays LangGraph's START when the graph starts with a choice.
START_NODE = START


def from_langgraph(
    graph: StateGraph[Any, Any, Any, Any] | CompiledStateGraph[Any, Any, Any, Any],
    *,
    graph_name: str,
    version: str = "1",
    metadata: Mapping[str, Any] | None = None,
    max_steps: int = DEFAULT_MAX_STEPS,
) -> GraphRegistration:
    """Run a LangGraph `StateGraph` on Durable Functions: register the result on a
    `DurableGraphApp`, and ``POST /api/graphs/{graph_name}/runs`` with
    ``{"input": <what you would pass to compiled.invoke>}`` runs it.

    Args:
        graph: a `StateGraph` builder, or the graph its `compile()` returned
            (compiled without a checkpointer, store, cache or interrupt_before/after:
            Durable Functions keeps the state and pauses runs).
        graph_name: URL-safe name of the graph in the HTTP API.
        version: a label for people; the hash pins runs.
        metadata: JSON-serialisable data shown in the manifest.
        max_steps: supersteps a run may take (LangGraph's `recursion_limit` plays this role).

    Raises:
        UnsupportedFeature: the graph uses something that cannot be honoured durably.
        LangGraphAdapterError: `graph` is not a StateGraph.
        ManifestError: the engine rejected the translated graph.
    """
    compiled = _compiled(graph, graph_name)
    builder = compiled.builder
    _reject_unsupported(builder, graph_name)
    codec = LangGraphCodec(graph_name, compiled)
    manifest = ManifestBuilder(
        graph_name,
        codec=codec,
        version=version,
        metadata={**dict(metadata or {}), "source": "langgraph"},
        max_steps=max_steps,
    )
    starts = _static_targets(builder, START)
    if len(starts) == 1 and not builder.branches.get(START):
        manifest.set_entrypoint(starts[0])
    else:
        manifest.set_entrypoint(START_NODE)
        codec.start_offset = 1  # the no-op START node is LangGraph's input step
        _add_edges(manifest, builder, START_NODE, START, _no_op, codec=codec)
    joins = _joins(builder, graph_name)
    for name, spec in builder.nodes.items():
        runnable: Any = spec.runnable
        join_in = next(((join_key(s, t), frozenset(s)) for s, t in joins if t == name), None)
        if isinstance(runnable, CompiledStateGraph):
            handler: Any = from_langgraph(
                runnable,
                graph_name=_child_name(graph_name, name),
                version=version,
                max_steps=max_steps,
            )
        else:
            input_keys = list(builder.schemas[spec.input_schema])
            handler = NodeRunner(
                name,
                runnable,
                input_keys,
                spec.input_schema,
                builder.channels,
                codec=codec,
                joins_out=[join_key(s, t) for s, t in joins if name in s],
                join_in=join_in,
            )
        _add_edges(
            manifest,
            builder,
            name,
            name,
            handler,
            codec=codec,
            join_target=join_in is not None,
            send_reads_state=isinstance(runnable, ToolNode),
            defer=spec.defer,
            retry=_retry(graph_name, name, spec.retry_policy),
            timeout=_timeout(graph_name, name, spec.timeout),
        )
    return manifest.build()


def _child_name(graph_name: str, node: str) -> str:
    """The subgraph's registration name: URL-safe, at most 64 characters, stable."""
    name = re.sub(r"[^A-Za-z0-9_-]", "_", f"{graph_name}--{node}")
    if len(name) <= 64:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[:55]}-{digest}"


def _compiled(graph: Any, graph_name: str) -> CompiledStateGraph[Any, Any, Any, Any]:
    if isinstance(graph, StateGraph):
        return graph.compile()
    if not isinstance(graph, CompiledStateGraph):
        raise LangGraphAdapterError(
            graph_name,
            f"expected a langgraph StateGraph or the graph its compile() returned; got "
            f"{type(graph).__name__} (the functional API's @entrypoint is not supported)",
        )
    durable = "Durable Functions keeps each run's state in its own history"
    if graph.checkpointer not in (None, False):
        raise UnsupportedFeature(
            graph_name, "a checkpointer passed to compile()", f"{durable}; compile() without it"
        )
    if graph.store is not None:
        raise UnsupportedFeature(
            graph_name,
            "a store passed to compile()",
            "nodes of a durable run may run on any instance; keep shared data in your own "
            "service and compile() without a store",
        )
    if graph.cache is not None:
        raise UnsupportedFeature(
            graph_name, "a cache passed to compile()", "node results are not cached durably"
        )
    for option, nodes in (
        ("interrupt_before", graph.interrupt_before_nodes),
        ("interrupt_after", graph.interrupt_after_nodes),
    ):
        if nodes:
            raise UnsupportedFeature(
                graph_name,
                f"compile({option}=...)",
                "pause a run with interrupt() inside the node instead; it resumes through "
                "POST /api/runs/{id}/resume",
            )
    return graph


def _reject_unsupported(builder: StateGraph[Any, Any, Any, Any], graph_name: str) -> None:
    for name, spec in builder.nodes.items():
        if spec.is_error_handler or spec.error_handler_node is not None:
            raise UnsupportedFeature(
                graph_name,
                f"the error_handler of node {name!r}",
                "map it to the engine's on_error with ManifestBuilder instead",
            )
        if spec.cache_policy is not None:
            raise UnsupportedFeature(
                graph_name,
                f"the cache_policy of node {name!r}",
                "node results are not cached durably; each node step runs once and its "
                "result is kept in the run's history",
            )


def _static_targets(builder: StateGraph[Any, Any, Any, Any], source: str) -> list[str]:
    # builder.edges is a set: sort for a stable manifest (LangGraph orders writes by name).
    ends = {end for start, end in builder.edges if start == source}
    # A source of a join triggers its target, which runs only once the join is complete.
    ends |= {end for starts, end in builder.waiting_edges if source in starts}
    return sorted(ends - {END})


def _joins(
    builder: StateGraph[Any, Any, Any, Any], graph_name: str
) -> list[tuple[tuple[str, ...], str]]:
    """The graph's joins (`add_edge([a, b], c)`), checked to be ones the adapter can honour.

    A join's target runs at the step after its last source finishes, as in LangGraph: each
    source triggers it and it runs only once the join is complete (a step where it does not
    shows in the run's path). So nothing else may trigger the target by name.
    """
    joins = sorted((starts, end) for starts, end in builder.waiting_edges if end != END)
    why = "a join's target may be reached through that one join only"
    for starts, end in joins:
        label = f"the join add_edge({list(starts)}, {end!r})"
        others = [s for s, e in builder.edges if e == end]
        others += [
            source
            for source, branches in builder.branches.items()
            for branch in branches.values()
            if branch.ends and end in branch.ends.values()
        ]
        others += [n for n, spec in builder.nodes.items() if spec.ends and end in spec.ends]
        if others:
            raise UnsupportedFeature(
                graph_name, label, f"{why}; {end!r} is also reached from {sorted(set(others))}"
            )
        if sum(1 for _, e in joins if e == end) > 1:
            raise UnsupportedFeature(graph_name, label, f"{why}; {end!r} has several joins")
        if builder.nodes[end].defer:
            raise UnsupportedFeature(graph_name, label, "its target is deferred (defer=True)")
        subgraphs = [
            n for n in (*starts, end) if isinstance(builder.nodes[n].runnable, CompiledStateGraph)
        ]
        if subgraphs:
            raise UnsupportedFeature(
                graph_name, label, f"it joins subgraph nodes {subgraphs}; wrap them in a node"
            )
    return joins


def _add_edges(
    manifest: ManifestBuilder,
    builder: StateGraph[Any, Any, Any, Any],
    name: str,
    source: str,
    handler: Any,
    *,
    codec: LangGraphCodec,
    join_target: bool = False,
    **options: Any,
) -> None:
    static = _static_targets(builder, source)
    branches: Mapping[str, BranchSpec] = builder.branches.get(source, {})
    if branches or join_target:
        router = BranchRouter(
            name,
            static,
            [_branch_input(builder, source, b) for b in branches.values()],
            codec=codec,
            join_target=join_target,
        )
        manifest.add_node(
            name,
            handler,
            route=router,
            route_targets=_declared_targets(static, branches.values()),
            **options,
        )
    elif static:
        next_node: str | list[str] = static[0] if len(static) == 1 else static
        manifest.add_node(name, handler, next_node=next_node, **options)
    else:
        manifest.add_node(name, handler, terminal=True, **options)


def _branch_input(
    builder: StateGraph[Any, Any, Any, Any], source: str, branch: BranchSpec
) -> tuple[BranchSpec, list[str], Any]:
    """What a path function reads: its own input schema, else its node's (LangGraph's rule)."""
    schema = branch.input_schema or (
        builder.nodes[source].input_schema if source in builder.nodes else builder.state_schema
    )
    return branch, list(builder.schemas[schema]), schema


def _declared_targets(static: Sequence[str], branches: Any) -> list[str] | None:
    """Every destination the route may choose, when each branch declares them (for diagrams)."""
    targets: list[str] = list(static)
    for branch in branches:
        if branch.ends is None:
            return None
        targets.extend(end for end in branch.ends.values() if end not in targets)
    declared = [COMPLETE if t == END else t for t in targets]
    return list(dict.fromkeys(declared)) or [COMPLETE]


def _no_op(state: Any) -> None:
    """LangGraph's START: the input is the state; the route picks the first nodes."""
    return None


def _retry(graph_name: str, node: str, policy: Any) -> RetryPolicy | None:
    if policy is None:
        return None
    if not isinstance(policy, LangGraphRetryPolicy):
        policies = list(policy)
        if len(policies) != 1:
            raise UnsupportedFeature(
                graph_name,
                f"a list of {len(policies)} retry policies on node {node!r}",
                "a durable node has one retry policy; merge their retry_on into one",
            )
        policy = policies[0]
    return RetryPolicy(
        initial_interval=policy.initial_interval,
        backoff_factor=policy.backoff_factor,
        max_interval=policy.max_interval,
        max_attempts=policy.max_attempts,
        jitter=policy.jitter,
        retry_on=policy.retry_on,
    )


def _timeout(graph_name: str, node: str, policy: Any) -> timedelta | None:
    if policy is None:
        return None
    if getattr(policy, "idle_timeout", None) is not None:
        raise UnsupportedFeature(
            graph_name,
            f"the idle_timeout of node {node!r}",
            "progress signals are not carried to the orchestrator; use run_timeout",
        )
    run_timeout = getattr(policy, "run_timeout", None)
    if run_timeout is None or isinstance(run_timeout, timedelta):
        return run_timeout
    return timedelta(seconds=float(run_timeout))
