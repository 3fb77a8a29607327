"""The engine-v2 activities: everything that runs user code (handlers, routes, reducers).

- STEP: a node that runs alone in its superstep: handler, reducers and route in
  ONE activity (a sequential graph costs one activity per step).
- TASK: one node of a parallel superstep: its handler only; returns its update.
- APPLY: a parallel superstep's updates through the reducers, then each node's route.
- EVENT: an event handler's update.

Every result is data: ``{"ok": true, ...}``, ``{"ok": false, "error": {...},
"retryable": bool}`` or ``{"ok": false, "interrupt": {"value", "index"}}``. Results
carry only the fields that changed (``set``/``unset``), so a step writes the state
into history once (as the activity's input), not twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from pydantic import BaseModel, ValidationError
from pydantic_core import to_jsonable_python

from ..errors import DurableGraphError, NodeExecutionError, RouteError, StateMergeError
from ..graph.codec import changed_fields, removed_fields, summarise
from ..graph.interrupts import GraphInterrupt, NodeErrorInfo, node_call
from ..graph.manifest import GraphRegistration
from ..graph.registry import GraphRegistry
from ..graph.routing import RouteDecision
from ..graph.types import Command, RetryPolicy
from .protocol import (
    ActivityError,
    AppliedResult,
    FailedResult,
    InterruptedResult,
    RejectedResult,
    Target,
    TaskResult,
    WaitDecision,
)
from .targets import describe_task, goto_targets, route_targets
from .user_code import in_one_thread, is_async, log_failure, user_call


@dataclass
class _NodeResult:
    update: dict[str, Any]
    goto: list[Target]


async def run_step(
    registry: GraphRegistry, request: Mapping[str, Any]
) -> AppliedResult | FailedResult | InterruptedResult:
    """A node alone in its superstep: handler, reducers and route in one call.

    A sync node runs with its reducers and route in one worker thread (one hop, not one
    per handler); an async node is awaited on the worker loop as before.
    """
    registration = registry.get(str(request["graph_name"]), str(request["graph_hash"]))
    if is_async(registration.node_handlers[str(request["task"]["node"])]):
        return await _step(registration, request)
    return await in_one_thread(lambda: _step(registration, request))


async def _step(
    registration: GraphRegistration, request: Mapping[str, Any]
) -> AppliedResult | FailedResult | InterruptedResult:
    task = request["task"]
    state = request["state"]
    try:
        result = await _run_node(registration, task, state, request)
    except GraphInterrupt as pause:
        return _interrupted(pause)
    except DurableGraphError as exc:
        return _failed(registration, task, exc, attempt=int(request.get("attempt") or 1))
    try:
        entry = {"task": task, "update": result.update, "goto": result.goto}
        return await _apply(registration, state, [entry], allow_wait=True)
    except DurableGraphError as exc:
        return _failed(registration, task, exc, retryable=False)


async def run_task(
    registry: GraphRegistry, request: Mapping[str, Any]
) -> TaskResult | FailedResult | InterruptedResult:
    """One node of a parallel superstep: its update (JSON) and any Command goto."""
    registration = registry.get(str(request["graph_name"]), str(request["graph_hash"]))
    task = request["task"]
    try:
        result = await _run_node(registration, task, request.get("state"), request)
    except GraphInterrupt as pause:
        return _interrupted(pause)
    except DurableGraphError as exc:
        return _failed(registration, task, exc, attempt=int(request.get("attempt") or 1))
    return TaskResult(ok=True, update=result.update, goto=result.goto)


async def apply_updates(
    registry: GraphRegistry, request: Mapping[str, Any]
) -> AppliedResult | FailedResult:
    """A superstep's updates (in trigger order) through the reducers, then the routes."""
    registration = registry.get(str(request["graph_name"]), str(request["graph_hash"]))
    entries = request["updates"]
    try:
        return await _apply(registration, request["state"], entries, allow_wait=len(entries) == 1)
    except DurableGraphError as exc:
        return FailedResult(ok=False, error=_error(exc, None), retryable=False)


async def apply_event(
    registry: GraphRegistry, request: Mapping[str, Any]
) -> AppliedResult | RejectedResult:
    """An event's handler; a failure rejects the event (the run keeps waiting)."""
    registration = registry.get(str(request["graph_name"]), str(request["graph_hash"]))
    event_name = str(request["event_name"])
    source = f"event handler {event_name!r}"
    state = request["state"]
    codec = registration.codec
    try:
        payload = request.get("payload")
        model = registration.event_payload_models.get(event_name)
        if model is not None:
            try:
                payload = model.model_validate(payload)
            except ValidationError as exc:
                raise StateMergeError(
                    registration.graph_name,
                    source,
                    f"payload is not a valid {model.__name__}: {summarise(exc)}",
                ) from exc
        loaded = codec.load(state)
        handler = registration.event_handlers[event_name]
        result = await user_call(registration.graph_name, source, handler, loaded, payload)
        update = _update_from(registration, source, result, state, loaded)
        new = codec.apply(state, [(source, update)])
    except DurableGraphError as exc:
        return RejectedResult(ok=False, rejected=True, error=_error(exc, None))
    return AppliedResult(ok=True, set=changed_fields(state, new), unset=removed_fields(state, new))


async def _run_node(
    registration: GraphRegistration,
    task: Mapping[str, Any],
    state: Mapping[str, Any] | None,
    request: Mapping[str, Any],
) -> _NodeResult:
    node = str(task["node"])
    source = describe_task(task)
    manifest = registration.manifest
    handler = registration.node_handlers[node]
    error = task.get("error")
    info = NodeErrorInfo(**error) if isinstance(error, Mapping) else None
    loaded: Any = None
    if "arg" in task:
        argument = _argument(registration, node, source, task["arg"])
    else:
        if state is None:
            raise StateMergeError(manifest.graph_name, source, "was called without a state")
        loaded = argument = registration.codec.load(state)
    with node_call(node, request.get("resume") or (), info):
        result = await user_call(manifest.graph_name, source, handler, argument, log=False)
    update, goto = (result.update, result.goto) if isinstance(result, Command) else (result, None)
    update = _update_from(registration, source, update, state, loaded)
    return _NodeResult(update, goto_targets(goto, manifest, node))


def _argument(registration: GraphRegistration, node: str, source: str, arg: Any) -> Any:
    model = registration.input_models.get(node)
    if model is None:
        return arg
    try:
        return model.model_validate(arg)
    except ValidationError as exc:
        raise StateMergeError(
            registration.graph_name,
            source,
            f"Send argument is not a valid {model.__name__}: {summarise(exc)}",
        ) from exc


def _update_from(
    registration: GraphRegistration,
    source: str,
    result: Any,
    state: Mapping[str, Any] | None,
    loaded: Any,
) -> dict[str, Any]:
    """A handler's return (plus any in-place mutation of its state) as a JSON update."""
    codec = registration.codec
    graph_name = registration.graph_name
    update: dict[str, Any]
    if result is None:
        update = {}
    elif isinstance(result, BaseModel):
        model = registration.state_model
        if model is None or type(result) is not model:
            expected = model.__name__ if model is not None else "dict"
            raise StateMergeError(
                graph_name,
                source,
                f"returned a {type(result).__name__} model; a model return replaces the state, "
                f"so it must be a {expected}",
            )
        update = changed_fields(state or {}, codec.dump(result))
    elif isinstance(result, Mapping):
        bad_keys = [k for k in result if not isinstance(k, str)]
        if bad_keys:
            raise StateMergeError(
                graph_name, source, f"returned a dict with non-string keys {bad_keys!r}"
            )
        update = dict(result)
    else:
        expected = registration.codec.model_name
        raise StateMergeError(
            graph_name,
            source,
            f"returned {type(result).__name__} {result!r}; expected a dict of state updates, "
            f"a {expected} or None",
        )
    if loaded is not None and state is not None:
        mutated = changed_fields(state, codec.dump(loaded))
        reduced = [k for k in mutated if _is_reduced(registration, k) and k not in update]
        if reduced:
            raise StateMergeError(
                graph_name,
                source,
                f"changed field(s) {reduced} of its state in place; they have reducers, so "
                "return the new items instead, e.g. {" + repr(reduced[0]) + ": [...]}",
            )
        update = {**mutated, **update}
    try:
        return dict(to_jsonable_python(update))
    except Exception as exc:
        raise StateMergeError(
            graph_name, source, f"returned an update that is not JSON-serialisable: {exc}"
        ) from exc


def _is_reduced(registration: GraphRegistration, field: str) -> bool:
    return field in registration.manifest.reducers


async def _apply(
    registration: GraphRegistration,
    state: Mapping[str, Any],
    entries: Sequence[Mapping[str, Any]],
    *,
    allow_wait: bool,
) -> AppliedResult:
    """Reducers over all updates, then each node's route on its own view of the state.

    A route sees the state before the superstep plus its own node's update
    (LangGraph's rule), so parallel routes do not depend on each other's order.
    """
    codec = registration.codec
    manifest = registration.manifest
    updates = [(describe_task(e["task"]), e["update"]) for e in entries]
    new = codec.apply(state, updates)
    targets: list[Target] = []
    wait: RouteDecision | None = None
    for entry, update in zip(entries, updates, strict=True):
        node = str(entry["task"]["node"])
        definition = manifest.nodes[node]
        chosen: list[Target]
        if definition.terminal:
            chosen = []
        elif node in registration.route_handlers:
            view = new if len(entries) == 1 else codec.apply(state, [update])
            routed = await user_call(
                manifest.graph_name,
                f"route of node {node!r}",
                registration.route_handlers[node],
                codec.load(view),
            )
            chosen, decision = route_targets(routed, manifest, node)
            if decision is not None:
                if not allow_wait:
                    raise RouteError(
                        manifest.graph_name,
                        node,
                        "route chose wait_for_event in a superstep where other nodes ran too; "
                        "a wait is only supported when the waiting node runs alone "
                        "(use interrupt() in parallel branches)",
                    )
                wait = decision
        else:
            chosen = [{"node": n} for n in definition.next_nodes]
        targets.extend(chosen)
        targets.extend(entry.get("goto") or [])
    result = AppliedResult(
        ok=True, set=changed_fields(state, new), unset=removed_fields(state, new), targets=targets
    )
    if wait is not None:
        result["wait"] = cast(WaitDecision, wait.to_dict())
    return result


def _interrupted(pause: GraphInterrupt) -> InterruptedResult:
    try:
        value = to_jsonable_python(pause.value)
    except Exception:
        value = repr(pause.value)
    return InterruptedResult(ok=False, interrupt={"value": value, "index": pause.index})


def _failed(
    registration: GraphRegistration,
    task: Mapping[str, Any],
    exc: DurableGraphError,
    *,
    retryable: bool | None = None,
    attempt: int = 1,
) -> FailedResult:
    policy = registration.retry_policies.get(str(task["node"]))
    if retryable is None:
        cause = exc.__cause__ if isinstance(exc, NodeExecutionError) else None
        retryable = bool(policy is not None and cause is not None and policy.should_retry(cause))
    if isinstance(exc, NodeExecutionError) and exc.source == describe_task(task):
        # The node's own handler raised (user_call left the logging to us).
        log_failure(exc, attempt, retried=retryable and attempt < _max_attempts(policy))
    return FailedResult(ok=False, error=_error(exc, task), retryable=retryable)


def _max_attempts(policy: RetryPolicy | None) -> int:
    return policy.max_attempts if policy is not None else 1


def _error(exc: DurableGraphError, task: Mapping[str, Any] | None) -> ActivityError:
    cause = exc.__cause__ if isinstance(exc, NodeExecutionError) else None
    named = getattr(exc, "error_type", None)  # a codec naming the error as its library does
    return {
        "type": named
        if isinstance(named, str)
        else type(cause).__name__
        if cause is not None
        else type(exc).__name__,
        "message": str(exc),
        "node": str(task["node"]) if task is not None else None,
    }
