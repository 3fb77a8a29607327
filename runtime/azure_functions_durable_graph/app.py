"""DurableGraphApp: registers the orchestrator, the two activities and the HTTP API on a DFApp.

No ``from __future__ import annotations`` here: the Functions worker reads the
registered functions' annotations at indexing time, so they stay real objects.

What the functions run is imported when they first run (deferred.py), not with the
app: the engines (durable/orchestrator.py, durable/activities.py, compat/engine_v1),
the HTTP handlers (api/handlers.py), the entities' bodies. A deployed function_app.py
imports this module at every cold start (bench/import_time.py).
"""

from collections.abc import Callable, Generator, Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Any

import azure.durable_functions as df
import azure.functions as func

from . import _sdk_speedups, deferred
from .agent_server import register_agent_server
from .agent_server.store_routes import register_store_routes
from .agent_server.stores.selection import StoreProvider
from .api.inputs import DEFAULT_MAX_REQUEST_BYTES, check_max_request_bytes
from .api.route_table import HttpRoute, apply_decorators, graph_api_routes, register_http_routes
from .durable.names import (
    APPLY_ACTIVITY,
    EVENT_HANDLER_ACTIVITY,
    ORCHESTRATOR_NAME,
    STEP_ACTIVITY,
    STEPS_ENTITY,
    TASK_ACTIVITY,
    V1_EVENT_ACTIVITY,
    V1_NODE_ACTIVITY,
)
from .durable.wire import decode_json_text
from .errors import DurableGraphError
from .graph.manifest import GraphRegistration
from .graph.registry import GraphRegistry
from .http_streaming import enable as enable_http_streaming
from .http_streaming import streaming_on

if TYPE_CHECKING:
    from langgraph.store.base import BaseStore

    from .api.handlers import GraphApi


class DurableGraphApp:
    """Serves any number of graphs from one orchestrator, two activities and the HTTP API.

    Functions are registered when this object is built; graphs are looked up
    when a request or activity runs, so `register_registration` may come later.

    Args:
        app: an existing ``df.DFApp`` or ``func.FunctionApp`` to add the functions to
            (so a graph service can have other functions); a new ``df.DFApp`` if None.
        http_auth_level: auth level of the graph HTTP routes. FUNCTION (keys required
            on Azure) by default; ANONYMOUS must be chosen explicitly.
        step_log: record every superstep in a Durable entity (GET /api/runs/{id}/steps,
            the running state, forks). Costs one entity operation per batch of up to
            10 supersteps (durable/steplog.py); turn it off for throughput. Pinned in
            each run's input when it starts.
        max_request_bytes: largest request body the graph routes accept (a JSON 413
            beyond it); 1 MiB by default, since a run's state travels through every
            step's history.
        agent_server: also serve LangGraph's Agent Server API under
            ``{routePrefix}/langgraph`` (docs/agent-server-api.md), its store routes included.
        store: the LangGraph store (any ``BaseStore``) of the Agent Server's store routes
            and of LangGraph nodes' ``runtime.store``; None chooses one from the app
            settings (docs/agent-server-api.md#store).
        http_streaming: register every HTTP function with the
            ``azurefunctions-extensions-http-fastapi`` types, so the Agent Server's streams
            follow their runs live (the ``http-streaming`` extra; http_streaming.py).
            The extension turns HTTP v2 on for the whole app: other HTTP functions on it
            must take and return its types too. None reads the app setting
            ``DURABLE_GRAPH_HTTP_STREAMING``; off unless it says ``1``/``true``.
    """

    def __init__(
        self,
        app: func.FunctionRegister | None = None,
        *,
        http_auth_level: func.AuthLevel | str = func.AuthLevel.FUNCTION,
        step_log: bool = True,
        max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
        agent_server: bool = True,
        store: "BaseStore | None" = None,
        http_streaming: bool | None = None,
    ) -> None:
        # Azure's worker replays histories through the same SDK parser (see _sdk_speedups).
        _sdk_speedups.install()
        if app is None:
            app = df.DFApp(http_auth_level=http_auth_level)
        elif not isinstance(app, func.FunctionRegister):
            raise TypeError(
                "DurableGraphApp(app=...) takes a df.DFApp or func.FunctionApp; "
                f"got {type(app).__name__}"
            )
        check_max_request_bytes(max_request_bytes)
        self._app = app
        self._http_streaming = streaming_on(http_streaming)
        if self._http_streaming:
            enable_http_streaming()
        self._registry = GraphRegistry()
        self._step_log, self._max_request_bytes = step_log, max_request_bytes
        self._stores = StoreProvider(store)
        blueprint = df.Blueprint(http_auth_level=http_auth_level)
        self._register_durable_functions(blueprint)
        streaming = self._http_streaming
        register_http_routes(
            blueprint, graph_api_routes(lambda: self._api), http_auth_level, streaming=streaming
        )
        if agent_server:
            register_store_routes(
                blueprint,
                self._stores,
                http_auth_level,
                max_body_bytes=max_request_bytes,
                streaming=streaming,
            )
            register_agent_server(
                blueprint,
                self._registry,
                auth_level=http_auth_level,
                orchestrator_name=ORCHESTRATOR_NAME,
                max_request_bytes=max_request_bytes,
                stores=self._stores,
                http_streaming=streaming,
            )
        app.register_functions(blueprint)
        self._http_auth_level = http_auth_level

    @property
    def function_app(self) -> func.FunctionRegister:
        """The app the Functions host indexes (assign it to a module-level name)."""
        return self._app

    @property
    def http_streaming(self) -> bool:
        """Whether the app's HTTP functions use the streaming extension's types."""
        return self._http_streaming

    @property
    def registry(self) -> GraphRegistry:
        return self._registry

    @cached_property
    def _api(self) -> "GraphApi":
        """The graph API's handlers, built by the first request that needs them."""
        from .api.handlers import GraphApi

        return GraphApi(
            self._registry, step_log=self._step_log, max_request_bytes=self._max_request_bytes
        )

    def register(self, registration: GraphRegistration) -> None:
        """Serve a graph built with `ManifestBuilder(...).build()` (or `from_langgraph`).

        The same as `register_registration`, under the name LangGraph users expect.
        """
        if not isinstance(registration, GraphRegistration):
            raise TypeError(
                "register() takes a GraphRegistration: call .build() on the ManifestBuilder "
                f"first; got {type(registration).__name__}"
            )
        self._registry.register(registration)

    def register_registration(self, registration: GraphRegistration) -> None:
        """Serve a built graph. Registering a changed graph of the same name keeps the old hash
        available for runs already in flight."""
        self._registry.register(registration)

    def add_http_routes(self, routes: Iterable[HttpRoute]) -> None:
        """Serve more HTTP functions on this app (e.g. another API over the same graphs),
        with the graph API's auth level and HTTP types. Function names must not repeat."""
        blueprint = df.Blueprint(http_auth_level=self._http_auth_level)
        register_http_routes(
            blueprint, routes, self._http_auth_level, streaming=self.http_streaming
        )
        self._app.register_functions(blueprint)

    def _register_durable_functions(self, bp: Any) -> None:
        registry = self._registry
        orchestrator = make_orchestrator(registry)
        orchestrator.__name__ = ORCHESTRATOR_NAME

        bp.function_name(ORCHESTRATOR_NAME)(
            bp.orchestration_trigger(context_name="context", orchestration=ORCHESTRATOR_NAME)(
                orchestrator
            )
        )

        engine_v2, engine_v1 = ".durable.activities", ".compat.engine_v1.activities"
        activities: list[tuple[str, Callable[[GraphRegistry, dict[str, Any]], Any]]] = [
            (STEP_ACTIVITY, _lazy(engine_v2, "run_step")),
            (TASK_ACTIVITY, _lazy(engine_v2, "run_task")),
            (APPLY_ACTIVITY, _lazy(engine_v2, "apply_updates")),
            (EVENT_HANDLER_ACTIVITY, _lazy(engine_v2, "apply_event")),
            # Engine 1's activities, for runs started by 0.1.0.
            (V1_NODE_ACTIVITY, _lazy(engine_v1, "run_node_step")),
            (V1_EVENT_ACTIVITY, _lazy(engine_v1, "apply_event")),
        ]
        for name, body in activities:
            apply_decorators(
                _activity(registry, name, body, self._stores),
                bp.function_name(name),
                bp.activity_trigger(input_name="request", activity=name),
            )
        apply_decorators(
            deferred.entity(".durable.steplog", "record_step"),
            bp.function_name(STEPS_ENTITY),
            bp.entity_trigger(context_name="context", entity_name=STEPS_ENTITY),
        )


Orchestrator = Callable[[Any], Generator[Any, Any, dict[str, Any] | None]]


def make_orchestrator(registry: GraphRegistry) -> Orchestrator:
    """The orchestration trigger: each run replays through the engine that started it.

    Runs started by 0.1.0 (input without ``"engine"``) go to the sealed engine-1
    loop; every other run to engine 2. This is the one place that knows both.
    """

    def orchestrator(context: Any) -> Generator[Any, Any, dict[str, Any] | None]:
        from .durable.protocol import ENGINE_V2, RunInput

        run = RunInput.parse(context.get_input(expected_type=object))
        registration = registry.get(run.graph_name, run.graph_hash)
        manifest = registration.manifest
        engine: Callable[..., Generator[Any, Any, dict[str, Any] | None]]
        if run.engine < ENGINE_V2:
            engine = deferred.load(".compat.engine_v1.loop", "run_legacy")
            return (yield from engine(context, manifest, run))
        limit = deferred.load(".durable.orchestrator", "step_limit")(registration, run)
        engine = deferred.load(".durable.orchestrator", "run_graph")
        return (yield from engine(context, manifest, run, limit))

    return orchestrator


def _lazy(module: str, name: str) -> Callable[[GraphRegistry, dict[str, Any]], Any]:
    """An activity body that imports `module` when the activity first runs."""

    async def body(registry: GraphRegistry, request: dict[str, Any]) -> Any:
        return await deferred.load(module, name)(registry, request)

    return body


def _activity(
    registry: GraphRegistry,
    name: str,
    body: Callable[[GraphRegistry, dict[str, Any]], Any],
    stores: StoreProvider,
) -> Callable[..., Any]:
    """An activity function whose graph errors come back as data, never as a failed task.

    The nodes it runs see the app's store (`runtime.store` of a LangGraph node).
    """

    async def activity(request: Any) -> dict[str, Any]:
        from .agent_server.stores.serving import serving
        from .graph.run_context import running

        decoded = decode_json_text(request)
        if not isinstance(decoded, dict):
            raise TypeError(
                f"graph activity input must be a JSON object; got {type(decoded).__name__}"
            )
        try:
            with running(decoded), serving(stores):
                result: dict[str, Any] = await body(registry, decoded)
        except DurableGraphError as exc:
            error = {"type": type(exc).__name__, "message": str(exc)}
            return {"ok": False, "error": error, "retryable": False}
        return result

    activity.__name__ = name
    return activity
