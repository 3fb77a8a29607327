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
from .codec import LangGraphCodec, kept_state_key
from .errors import LangGraphAdapterError, UnsupportedFeature
from .joins import plan_joins, start_triggers
from .limits import default_limit, timeout_forms
from .nodes import BranchRouter, NodeRunner
from .retry import from_langgraph_policy

#: The no-op node that plays LangGraph's START when the graph starts with a choice.
START_NODE = START


def from_langgraph(
    graph: StateGraph[Any, Any, Any, Any] | CompiledStateGraph[Any, Any, Any, Any],
    *,
    graph_name: str,
    version: str = "1",
    metadata: Mapping[str, Any] | None = None,
    recursion_limit: int | None = None,
    max_steps: int | None = None,
) -> GraphRegistration:
    """Run a LangGraph `StateGraph` on Durable Functions: register the result on a
    `DurableGraphApp`, and ``POST /api/graphs/{graph_name}/runs`` with
    ``{"input": <what you would pass to compiled.invoke>}`` runs it.

    Args:
        graph: a `StateGraph` builder, or the graph its `compile()` returned
            (compiled without a checkpointer, store or cache: Durable Functions keeps the
            state; its interrupt_before/interrupt_after pause runs as LangGraph's do).
        graph_name: URL-safe name of the graph in the HTTP API.
        version: a label for people; the hash pins runs.
        metadata: JSON-serialisable data shown in the manifest.
        recursion_limit: the `recursion_limit` of runs whose `config` sets none, counted
            as LangGraph counts it (a run may take `recursion_limit - 1` supersteps of
            nodes; the next fails it with LangGraph's GraphRecursionError). Default: the
            installed LangGraph's default (``LANGGRAPH_DEFAULT_RECURSION_LIMIT``, else 10007
            in LangGraph 1.2). Not part of the graph's hash: a run pins its limit in its
            own input.
        max_steps: the older form of that default (`recursion_limit = max_steps + 1`);
            also the supersteps of runs started before run configs existed (part of the
            hash, as it always was).

    Raises:
        UnsupportedFeature: the graph uses something that cannot be honoured durably.
        LangGraphAdapterError: `graph` is not a StateGraph.
        ManifestError: the engine rejected the translated graph.
    """
    compiled = _compiled(graph, graph_name)
    builder = compiled.builder
    _reject_unsupported(builder, graph_name)
    codec = LangGraphCodec(graph_name, compiled)
    codec.default_recursion_limit = default_limit(recursion_limit, max_steps)
    joins = plan_joins(builder, graph_name)
    starts = _static_targets(builder, START)
    start_update = start_triggers(joins)
    start_node = bool(start_update) or not (len(starts) == 1 and not builder.branches.get(START))
    manifest = ManifestBuilder(
        graph_name,
        codec=codec,
        version=version,
        metadata={**dict(metadata or {}), "source": "langgraph"},
        max_steps=DEFAULT_MAX_STEPS if max_steps is None else max_steps,
        error_forms=timeout_forms(builder),
        interrupt_before=_breakpoints(compiled.interrupt_before_nodes),
        interrupt_after=_breakpoints(compiled.interrupt_after_nodes),
    )
    if not start_node:
        manifest.set_entrypoint(starts[0])
    else:
        manifest.set_entrypoint(START_NODE)
        codec.start_offset = 1  # the no-op START node is LangGraph's input step
        _add_edges(manifest, builder, START_NODE, START, _StartNode(start_update), codec=codec)
    for name, spec in builder.nodes.items():
        runnable: Any = spec.runnable
        join_in = joins.join_in(name)
        options: dict[str, Any] = {}
        if isinstance(runnable, CompiledStateGraph):
            stateful = runnable.checkpointer is True
            handler: Any = from_langgraph(
                # A stateful subgraph's state is kept by its parent (subgraph_state_key).
                runnable.copy(update={"checkpointer": None}) if stateful else runnable,
                graph_name=_child_name(graph_name, name),
                version=version,
                recursion_limit=recursion_limit,
                max_steps=max_steps,
            )
            options["subgraph_update"] = joins.source_update(name) or None
            options["subgraph_state_key"] = kept_state_key(name) if stateful else None
        else:
            input_keys = list(builder.schemas[spec.input_schema])
            handler = NodeRunner(
                name,
                runnable,
                input_keys,
                spec.input_schema,
                builder.channels,
                codec=codec,
                writes_out=joins.source_update(name),
                join_in=join_in,
                goto_triggers=joins.goto_triggers(),
                routed=bool(builder.branches.get(name)),
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
            **options,
        )
    return manifest.build()


def _breakpoints(nodes: Any) -> list[str] | str | None:
    """compile(interrupt_before/after=...) as the manifest keeps it (LangGraph checked the
    names); a subgraph with them is refused by the builder (it cannot pause its parent)."""
    if nodes == "*":
        return "*"
    return list(nodes) or None


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


class _StartNode:
    """LangGraph's START: the input is the state; the route picks the first nodes (and a
    join target it reaches by a plain edge gets its trigger flag, see joins.py)."""

    __name__ = START_NODE

    def __init__(self, update: Mapping[str, Any]) -> None:
        self._update = dict(update)

    def __call__(self, state: Any) -> dict[str, Any] | None:
        return dict(self._update) or None


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
    return from_langgraph_policy(policy)


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
