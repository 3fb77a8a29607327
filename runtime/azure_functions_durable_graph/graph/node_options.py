"""Checks and manifest form of a node's engine-v2 options: fan-out, defer, retry,
timeout, on_error, input model and subgraph.

Kept apart from the builder so each rule and its exact message live in one place.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, NoReturn

from pydantic import BaseModel

from ..errors import NodeTimeoutError
from .types import RetryPolicy

if TYPE_CHECKING:
    from .manifest import GraphRegistration

Fail = Callable[[str], NoReturn]


@dataclass(frozen=True)
class NodeOptions:
    """What `add_node` was given beyond handler, route and terminal (checked in build())."""

    defer: bool = False
    retry: object = None
    timeout: object = None
    on_error: object = None
    input_model: object = None
    send_reads_state: bool = False
    subgraph_update: object = None
    subgraph_state_key: object = None
    answer_model: object = None


def check_next_nodes(
    name: str, next_node: object, nodes: Sequence[str], fail: Fail
) -> str | tuple[str, ...] | None:
    """A single next node stays a str (0.1.0's hash); a list becomes a fan-out tuple."""
    if next_node is None:
        return None
    known = ", ".join(repr(n) for n in nodes)
    targets: tuple[object, ...]
    if isinstance(next_node, str):
        targets = (next_node,)
    elif isinstance(next_node, Sequence) and not isinstance(next_node, bytes):
        targets = tuple(next_node)
        if not targets:
            fail(f"node {name!r} has an empty next_node list; give at least one node")
        duplicates = sorted({str(t) for t in targets if targets.count(t) > 1})
        if duplicates:
            fail(f"node {name!r} next_node lists {', '.join(map(repr, duplicates))} twice")
    else:
        fail(f"node {name!r} next_node must be a node name or a list of them; got {next_node!r}")
    for target in targets:
        if target not in nodes:
            fail(f"node {name!r} has next_node {target!r}, which is not a node; nodes: {known}")
    return next_node if isinstance(next_node, str) else tuple(str(t) for t in targets)


def check_retry(name: str, policy: object, fail: Fail) -> RetryPolicy | None:
    if policy is None:
        return None
    where = f"node {name!r}" if name else "the graph's default"
    if not isinstance(policy, RetryPolicy):
        fail(f"{where} retry must be a RetryPolicy; got {policy!r}")
    if isinstance(policy.max_attempts, bool) or not isinstance(policy.max_attempts, int):
        fail(f"{where} retry max_attempts must be an integer >= 1; got {policy.max_attempts!r}")
    if policy.max_attempts < 1:
        fail(f"{where} retry max_attempts must be an integer >= 1; got {policy.max_attempts!r}")
    for field in ("initial_interval", "backoff_factor", "max_interval"):
        value = getattr(policy, field)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            fail(f"{where} retry {field} must be a number >= 0; got {value!r}")
        if not math.isfinite(value) or value < 0:
            fail(f"{where} retry {field} must be a number >= 0; got {value!r}")
    retry_on = policy.retry_on
    if not (callable(retry_on) or _exception_classes(retry_on)):
        fail(
            f"{where} retry retry_on must be an exception class, a tuple of them or a "
            f"predicate; got {retry_on!r}"
        )
    return policy


def _exception_classes(value: object) -> bool:
    return (
        isinstance(value, Sequence)
        and not isinstance(value, (str, bytes))
        and bool(value)
        and all(inspect.isclass(v) and issubclass(v, BaseException) for v in value)
    )


def retry_manifest(policy: RetryPolicy | None) -> dict[str, Any] | None:
    """The policy as the orchestrator reads it; whether a timeout is retried is decided here,
    at build time, because the orchestrator may not run user code."""
    if policy is None:
        return None
    return {**policy.describe(), "retry_timeouts": policy.should_retry(NodeTimeoutError("?", 1.0))}


def check_timeout(name: str, timeout: object, fail: Fail) -> float | None:
    if timeout is None:
        return None
    if not isinstance(timeout, timedelta):
        fail(f"node {name!r} timeout must be a datetime.timedelta; got {timeout!r}")
    if timeout <= timedelta(0):
        fail(f"node {name!r} timeout must be > 0; got {timeout!r}")
    return timeout.total_seconds()


def check_on_error(name: str, on_error: object, nodes: Sequence[str], fail: Fail) -> str | None:
    if on_error is None:
        return None
    if on_error == name:
        fail(f"node {name!r} on_error names the node itself; name another node")
    if on_error not in nodes:
        known = ", ".join(repr(n) for n in nodes)
        fail(f"node {name!r} on_error {on_error!r} is not a node; nodes: {known}")
    return str(on_error)


def check_model(where: str, model: object, fail: Fail) -> type[BaseModel] | None:
    if model is None:
        return None
    if not (inspect.isclass(model) and issubclass(model, BaseModel)):
        fail(f"{where} must be a Pydantic v2 BaseModel subclass; got {model!r}")
    return model


def subgraph_manifest(
    name: str,
    child: GraphRegistration,
    parent_name: str,
    parent_fields: Sequence[str],
    fail: Fail,
) -> dict[str, Any]:
    """Shared keys by name (`shared` in, `returns` out when the child's output keys differ
    from its input keys), and no graph that contains its own parent."""
    chain = _graph_names(child)
    if child.manifest.interrupt_before or child.manifest.interrupt_after:
        fail(
            f"node {name!r} runs subgraph {child.graph_name!r}, which has interrupt_before/"
            "interrupt_after; a subgraph cannot pause its parent run (use interrupt() in "
            "its node instead)"
        )
    if parent_name in chain:
        fail(
            f"node {name!r} runs subgraph {child.graph_name!r}, which contains graph "
            f"{parent_name!r} itself; subgraphs cannot form a cycle"
        )
    child_fields = list(child.codec.json_schema().get("properties", {}))
    output_fields = getattr(child.codec, "output_fields", None)
    child_output = list(output_fields()) if output_fields is not None else child_fields
    shared = [f for f in parent_fields if f in child_fields]
    returns = [f for f in parent_fields if f in child_output]
    if not shared and not returns:
        fail(
            f"node {name!r} runs subgraph {child.graph_name!r}, whose state shares no field "
            f"with this graph's state (parent fields: {list(parent_fields)}; child fields: "
            f"{child_fields}); give both a field of the same name"
        )
    manifest: dict[str, Any] = {
        "graph_name": child.graph_name,
        "graph_hash": child.graph_hash,
        "shared": shared,
    }
    if returns != shared:  # only then: the manifests (and hashes) of other graphs keep their form
        manifest["returns"] = returns
    return manifest


def check_subgraph_update(
    name: str, update: object, state_key: object, fail: Fail
) -> dict[str, Any]:
    """The subgraph manifest's optional parts: a constant ``update`` added to what the
    subgraph returns, and the ``state_key`` keeping its state between calls."""
    extra: dict[str, Any] = {}
    if update:
        if not isinstance(update, Mapping) or not all(isinstance(k, str) for k in update):
            fail(f"node {name!r} subgraph_update must be a mapping of state keys; got {update!r}")
        extra["update"] = dict(update)
    if state_key is not None:
        if not isinstance(state_key, str) or not state_key:
            fail(f"node {name!r} subgraph_state_key must be a state key; got {state_key!r}")
        extra["state_key"] = state_key
    return extra


def _graph_names(registration: GraphRegistration) -> set[str]:
    names = {registration.graph_name}
    for child in registration.subgraphs.values():
        names |= _graph_names(child)
    return names


def check_defer(name: str, defer: object, entrypoint: str, fail: Fail) -> bool:
    if not isinstance(defer, bool):
        fail(f"node {name!r} defer must be True or False; got {defer!r}")
    if defer and name == entrypoint:
        fail(f"node {name!r} is the entrypoint and cannot be deferred (defer=True)")
    return defer


def one_of(name: str, value: Any, alias: str, alias_value: Any) -> Any:
    """An option given under our name or LangGraph's (`alias`); both at once is a mistake."""
    if value is not None and alias_value is not None:
        raise TypeError(f"give {name}= or {alias}= (the same option), not both")
    return value if value is not None else alias_value


def check_breakpoints(
    option: str, value: object, names: Sequence[str], fail: Fail
) -> list[str] | str:
    """`interrupt_before`/`interrupt_after`: ``"*"`` or existing node names (as LangGraph's
    compile() checks them)."""
    if value is None:
        return []
    if value == "*":
        return "*"
    if isinstance(value, str) or not isinstance(value, Sequence):
        fail(f"{option} must be '*' or a list of node names; got {value!r}")
    listed = list(value)
    for node in listed:
        if node not in names:
            fail(f"{option} names node {node!r}, which is not a node of this graph")
    return listed
