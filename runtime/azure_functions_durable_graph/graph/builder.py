"""ManifestBuilder: declare nodes, edges and event handlers, then `build()` a registration.

Every check happens in `build()`, so a half-declared builder never raises and
the errors come out in one place with the graph's name in them.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any, NoReturn

from pydantic import BaseModel

from ..errors import ManifestError
from .as_validated import as_validated
from .call_site import caller_site
from .codec import PydanticCodec, StateCodec, reducer_problems
from .manifest import (
    DEFAULT_MAX_STEPS,
    DEFAULT_STEPS_PER_EXECUTION,
    EventHandler,
    GraphManifest,
    GraphRegistration,
    NodeDefinition,
    NodeHandler,
    RouteHandler,
    compute_graph_hash,
)
from .node_checks import checked_nodes
from .node_options import (
    NodeOptions,
    check_breakpoints,
    check_defer,
    check_model,
    check_next_nodes,
    check_on_error,
    check_retry,
    check_subgraph_update,
    check_timeout,
    one_of,
    retry_manifest,
    subgraph_manifest,
)
from .node_spec import NodeSpec, route_targets_of
from .types import RetryPolicy

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class ManifestBuilder:
    """Collects a graph's declaration; `build()` validates it and freezes the manifest.

    Args:
        graph_name: URL-safe name (letters, digits, '_' and '-'); runs start at
            ``/api/graphs/{graph_name}/runs``.
        state_model: the Pydantic v2 model every step's state validates against.
        version: a label for people; the hash is what pins runs.
        metadata: JSON-serialisable data shown in the manifest (part of the hash).
        max_steps: supersteps a run may take before it fails (guards against loops).
        retry: the RetryPolicy of every node that does not set its own.
        steps_per_execution: supersteps per Durable execution; past it the run
            continues as new, invisibly, so its history stays bounded.
        codec: a `StateCodec` to use instead of a Pydantic `state_model` (adapters).
        interrupt_before, interrupt_after: LangGraph's breakpoints: ``"*"`` or node
            names the run pauses before/after (docs/graphs.md, "Breakpoints").
        error_forms: the class name and message a run fails with when node ``n`` times
            out (key ``"timeout:n"``), as ``{"type": ..., "message": ...}``; adapters name
            them as their library does. Not part of the hash (see `_registration`).
    """

    def __init__(
        self,
        graph_name: str,
        state_model: type[BaseModel] | None = None,
        *,
        version: str = "1",
        metadata: Mapping[str, Any] | None = None,
        max_steps: int = DEFAULT_MAX_STEPS,
        retry: RetryPolicy | None = None,
        steps_per_execution: int = DEFAULT_STEPS_PER_EXECUTION,
        codec: StateCodec | None = None,
        retry_policy: RetryPolicy | None = None,
        error_forms: Mapping[str, Mapping[str, str]] | None = None,
        interrupt_before: Sequence[str] | str | None = None,
        interrupt_after: Sequence[str] | str | None = None,
    ) -> None:
        retry = one_of("retry", retry, "retry_policy", retry_policy)
        self.graph_name = graph_name
        self.state_model = state_model
        self.version = version
        self.metadata: dict[str, Any] = dict(metadata or {})
        self.max_steps = max_steps
        self.retry = retry
        self.steps_per_execution = steps_per_execution
        self.codec = codec
        self.error_forms = {k: dict(v) for k, v in (error_forms or {}).items()}
        self.breakpoints = {
            "interrupt_before": interrupt_before,
            "interrupt_after": interrupt_after,
        }
        unknown = sorted(k for k in self.error_forms if not k.startswith("timeout:"))
        if unknown:  # the step limit's error is the run's (a codec's step_limit), not named here
            self._fail(f"error_forms names node timeouts only ('timeout:<node>'); got {unknown}")
        self._entrypoint: str | None = None
        self._nodes: list[NodeSpec] = []
        self._events: list[tuple[str, EventHandler, object, str | None]] = []
        self._declared_at = caller_site()
        self._site: str | None = None  # what build() is checking: the user's file:line

    def set_entrypoint(self, node: str) -> ManifestBuilder:
        """The node every run starts at."""
        self._entrypoint = node
        return self

    def set_entry_point(self, node: str) -> ManifestBuilder:
        """LangGraph's spelling of `set_entrypoint`."""
        return self.set_entrypoint(node)

    def add_node(
        self,
        name: str,
        handler: NodeHandler | GraphRegistration,
        *,
        next_node: str | Iterable[str] | None = None,
        route: RouteHandler | None = None,
        terminal: bool = False,
        route_targets: Iterable[str] | None = None,
        input_model: type[BaseModel] | None = None,
        defer: bool = False,
        retry: RetryPolicy | None = None,
        timeout: timedelta | None = None,
        on_error: str | None = None,
        retry_policy: RetryPolicy | None = None,
        input_schema: type[BaseModel] | None = None,
        destinations: Iterable[str] | None = None,
        send_reads_state: bool = False,
        subgraph_update: Mapping[str, Any] | None = None,
        subgraph_state_key: str | None = None,
        answer_model: type[BaseModel] | None = None,
    ) -> ManifestBuilder:
        """Add a node; give it a static `next_node` (or a list: fan-out), a `route`, or
        mark it `terminal`.

        With both `next_node` and `route`, a route returning None falls back to `next_node`.
        `route_targets` optionally declares every node (or ``"__complete__"``) the route
        may choose, so diagrams can draw them and a run fails if the route strays.
        A `GraphRegistration` as handler runs that graph as a subgraph. `input_model`
        validates the argument of a `Send` to this node; `defer` holds the node until
        nothing else is pending; `retry`, `timeout` and `on_error` say what happens when
        it fails (docs/graphs.md). A node that only routes with ``Command(goto=...)``
        lists where it may go in `destinations` (LangGraph's name) instead of being
        marked terminal. LangGraph's `retry_policy` and `input_schema` are accepted
        for `retry` and `input_model`. `send_reads_state` hands a task started by a `Send`
        the run's state too (a LangGraph node may read it through its config).
        `subgraph_update` (a subgraph node only) is JSON added to the update its
        subgraph's result makes (adapters keep their own bookkeeping in it); with
        `subgraph_state_key`, the subgraph's final state is kept under that key and
        handed to its next call as `PRIOR_STATE_KEY` of its input (a stateful subgraph,
        whose codec folds the input into it).
        `answer_model` validates every answer to the node's `interrupt()` calls before
        the run takes it (422 otherwise).
        """
        retry = one_of("retry", retry, "retry_policy", retry_policy)
        input_model = one_of("input_model", input_model, "input_schema", input_schema)
        options = NodeOptions(
            defer,
            retry,
            timeout,
            on_error,
            input_model,
            send_reads_state,
            subgraph_update,
            subgraph_state_key,
            answer_model,
        )
        self._nodes.append(
            NodeSpec(
                name,
                handler,
                next_node,
                route,
                terminal,
                route_targets,
                options,
                caller_site(),
                destinations,
            )
        )
        return self

    def add_event_handler(
        self,
        event_name: str,
        handler: EventHandler,
        *,
        payload_model: type[BaseModel] | None = None,
    ) -> ManifestBuilder:
        """Handle `event_name`: ``handler(state, payload)`` returns a state update.

        With `payload_model`, the HTTP API validates each event's payload (422 when
        invalid) and the handler receives the model instance.
        """
        self._events.append((event_name, handler, payload_model, caller_site()))
        return self

    def build(self) -> GraphRegistration:
        """Validate the declaration and return the registration (manifest + handlers).

        A `ManifestError` carries ``declared_at``: the user's ``file:line`` of the
        add_node/add_event_handler call it is about (else of this build() call), also
        shown under the message in tracebacks.
        """
        build_site = caller_site()
        try:
            return self._build(build_site)
        except ManifestError as exc:
            where = self._site or build_site
            exc.declared_at = where
            if where is not None and hasattr(exc, "add_note"):  # Python 3.11+
                exc.add_note(f"declared at {where}")
            raise
        finally:
            self._site = None

    def _build(self, build_site: str | None) -> GraphRegistration:
        fail = self._fail
        if not isinstance(self.graph_name, str) or not _NAME.match(self.graph_name):
            raise ManifestError(
                str(self.graph_name),
                "graph_name must be 1-64 letters, digits, '_' or '-' (it is part of URLs); "
                f"got {self.graph_name!r}",
            )
        codec = self._codec()
        if not isinstance(self.version, str) or not self.version:
            fail(f"version must be a non-empty string; got {self.version!r}")
        for knob in ("max_steps", "steps_per_execution"):
            value = getattr(self, knob)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                fail(f"{knob} must be an integer >= 1; got {value!r}")
        default_retry = check_retry("", self.retry, fail)

        nodes = checked_nodes(self._nodes, self._entrypoint, fail, self._at, build_site)
        targets = {}
        for name, spec in nodes.items():
            self._site = spec.declared_at
            targets[name] = route_targets_of(spec, nodes, self._fail)
        self._site = build_site
        for problem in reducer_problems(self.state_model) if self.state_model else []:
            fail(problem)

        events: dict[str, EventHandler] = {}
        payload_models: dict[str, type[BaseModel]] = {}
        for event_name, handler, payload_model, declared_at in self._events:
            self._site = declared_at
            if not isinstance(event_name, str) or not event_name:
                fail(f"event names must be non-empty strings; got {event_name!r}")
            if event_name in events:
                fail(f"event handler {event_name!r} is added twice; event names must be unique")
            if not callable(handler):
                fail(f"event handler {event_name!r} must be callable; got {handler!r}")
            model = check_model(f"event handler {event_name!r} payload_model", payload_model, fail)
            if model is not None:
                payload_models[event_name] = model
            events[event_name] = handler

        schema = self._schema(codec)  # once: pydantic builds a JSON schema anew on every call
        definitions = self._definitions(nodes, targets, schema, default_retry)
        self._site = build_site
        return self._registration(
            nodes, events, payload_models, definitions, codec, schema, default_retry
        )

    def _codec(self) -> StateCodec:
        if self.codec is not None:
            if self.state_model is not None:
                self._fail("give either state_model or codec, not both")
            return self.codec
        if not (inspect.isclass(self.state_model) and issubclass(self.state_model, BaseModel)):
            self._fail(
                f"state_model must be a Pydantic v2 BaseModel subclass; got {self.state_model!r}"
            )
        return PydanticCodec(self.state_model, graph_name=self.graph_name)

    def _definitions(
        self,
        nodes: Mapping[str, NodeSpec],
        targets: Mapping[str, tuple[str, ...] | None],
        schema: Mapping[str, Any],
        default_retry: RetryPolicy | None,
    ) -> dict[str, NodeDefinition]:
        fail = self._fail
        names = list(nodes)
        assert self._entrypoint is not None
        parent_fields = list(schema.get("properties", {}))
        definitions = {}
        for name, spec in nodes.items():
            self._site = spec.declared_at
            opts = spec.options
            child = spec.handler if isinstance(spec.handler, GraphRegistration) else None
            input_model = check_model(f"node {name!r} input_model", opts.input_model, fail)
            answer_model = check_model(f"node {name!r} answer_model", opts.answer_model, fail)
            definitions[name] = as_validated(
                NodeDefinition,
                name=name,
                next_node=check_next_nodes(name, spec.next_node, names, fail),
                has_route=spec.route is not None,
                terminal=spec.terminal,
                route_targets=targets[name],
                defer=check_defer(name, opts.defer, self._entrypoint, fail),
                retry=retry_manifest(check_retry(name, opts.retry, fail) or default_retry),
                timeout_seconds=check_timeout(name, opts.timeout, fail),
                on_error=check_on_error(name, opts.on_error, names, fail),
                subgraph=(
                    subgraph_manifest(name, child, self.graph_name, parent_fields, fail)
                    | check_subgraph_update(
                        name, opts.subgraph_update, opts.subgraph_state_key, fail
                    )
                    if child is not None
                    else None
                ),
                input_model=input_model.__name__ if input_model is not None else None,
                send_reads_state=opts.send_reads_state,
                answer_model=answer_model.__name__ if answer_model is not None else None,
            )
        return definitions

    def _schema(self, codec: StateCodec) -> dict[str, Any]:
        try:
            return codec.json_schema()
        except Exception as exc:  # pydantic raises several types for unschemable fields
            self._fail(f"state_model {codec.model_name} has no JSON schema: {exc}")

    def _registration(
        self,
        nodes: dict[str, NodeSpec],
        events: dict[str, EventHandler],
        payload_models: dict[str, type[BaseModel]],
        definitions: dict[str, NodeDefinition],
        codec: StateCodec,
        schema: dict[str, Any],
        default_retry: RetryPolicy | None,
    ) -> GraphRegistration:
        assert self._entrypoint is not None
        content: dict[str, Any] = {
            "graph_name": self.graph_name,
            "version": self.version,
            "state_model_name": codec.model_name,
            "state_schema": schema,
            "entrypoint": self._entrypoint,
            "nodes": {name: d.hash_content() for name, d in definitions.items()},
            "edges": [[n, t] for n, d in definitions.items() for t in d.next_nodes],
            "event_handlers": sorted(events),
            "metadata": self.metadata,
            "max_steps": self.max_steps,
        }
        # Engine-v2 parts enter the hash only when used, so 0.1.0 graphs keep their hash.
        for option, value in self.breakpoints.items():
            checked = check_breakpoints(option, value, list(definitions), self._fail)
            if checked:
                content[option] = checked
        reducers = codec.reducers()
        if reducers:
            content["reducers"] = reducers
        event_payloads = {e: m.model_json_schema() for e, m in sorted(payload_models.items())}
        if event_payloads:
            content["event_payloads"] = event_payloads
        answer_models: dict[str, type[BaseModel]] = {
            n: m
            for n, s in nodes.items()
            if isinstance(m := s.options.answer_model, type) and issubclass(m, BaseModel)
        }
        if answer_models:
            content["answer_schemas"] = {
                n: m.model_json_schema() for n, m in sorted(answer_models.items())
            }
        try:
            graph_hash = compute_graph_hash(content)
        except (TypeError, ValueError) as exc:
            self._fail(f"metadata must be JSON-serialisable: {exc}")
        content.pop("edges")
        content["nodes"] = definitions
        # Neither is hashed. steps_per_execution only bounds histories; error_forms only
        # names the error a timed-out node fails the run with (its class and message): no
        # scheduling decision depends on it, so a graph gaining it (from_langgraph graphs
        # with a node timeout) keeps the hash its runs in flight pinned.
        manifest = as_validated(
            GraphManifest,
            graph_hash=graph_hash,
            steps_per_execution=self.steps_per_execution,
            error_forms=self.error_forms,
            **content,
        )
        handlers = {n: s.handler for n, s in nodes.items()}
        subgraphs = {n: h for n, h in handlers.items() if isinstance(h, GraphRegistration)}
        callables = {n: h for n, h in handlers.items() if not isinstance(h, GraphRegistration)}
        return GraphRegistration(
            manifest=manifest,
            state_model=self.state_model,
            node_handlers=callables,
            route_handlers={
                name: spec.route for name, spec in nodes.items() if spec.route is not None
            },
            event_handlers=events,
            codec=codec,
            input_models={
                n: s.options.input_model
                for n, s in nodes.items()
                if isinstance(s.options.input_model, type)
            },
            event_payload_models=payload_models,
            answer_models=answer_models,
            retry_policies={
                n: policy
                for n, s in nodes.items()
                if (policy := _policy(s.options.retry, default_retry)) is not None
            },
            subgraphs=subgraphs,
        )

    def _at(self, site: str | None) -> None:
        """Name `site` (the user's file:line) in the errors of what is checked next."""
        self._site = site

    def _fail(self, message: str) -> NoReturn:
        raise ManifestError(self.graph_name, message)


def _policy(own: object, default: RetryPolicy | None) -> RetryPolicy | None:
    return own if isinstance(own, RetryPolicy) else default
