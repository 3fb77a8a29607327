"""DurableGraphApp: registers the orchestrator, the two activities and the HTTP API on a DFApp.

No ``from __future__ import annotations`` here: the Functions worker reads the
registered functions' annotations at indexing time, so they stay real objects.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import azure.durable_functions as df
import azure.functions as func

from . import _sdk_speedups
from .agent_server.store_routes import register_store_routes
from .agent_server.stores.selection import StoreProvider
from .agent_server.stores.serving import serving
from .api.handlers import GraphApi
from .api.inputs import DEFAULT_MAX_REQUEST_BYTES
from .api.runs_list import list_runs as _list_runs
from .errors import DurableGraphError
from .graph.manifest import GraphRegistration
from .graph.orchestration import (
    EVENT_ACTIVITY,
    NODE_ACTIVITY,
    ORCHESTRATOR_NAME,
    make_orchestrator,
)
from .graph.registry import GraphRegistry
from .graph.steplog import STEPS_ENTITY, record_step
from .graph.steps import apply_event, run_node_step
from .graph.tasks import (
    APPLY_ACTIVITY,
    EVENT_ACTIVITY_V2,
    STEP_ACTIVITY,
    TASK_ACTIVITY,
    apply_updates,
    run_step,
    run_task,
)
from .graph.tasks import (
    apply_event as apply_event_v2,
)
from .graph.wire import decode_json_text

if TYPE_CHECKING:
    from langgraph.store.base import BaseStore

#: Names of the HTTP functions, prefixed like the durable ones.
HTTP_FUNCTIONS = {
    "start_run": "durable_graph_http_start_run",
    "get_run": "durable_graph_http_get_run",
    "list_runs": "durable_graph_http_list_runs",
    "raise_event": "durable_graph_http_raise_event",
    "cancel_run": "durable_graph_http_cancel_run",
    "resume_run": "durable_graph_http_resume_run",
    "get_steps": "durable_graph_http_get_steps",
    "health": "durable_graph_http_health",
    "list_graphs": "durable_graph_http_list_graphs",
    "get_graph": "durable_graph_http_get_graph",
    "openapi": "durable_graph_http_openapi",
}


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
            the running state, forks). Costs one entity signal per superstep; turn it
            off for throughput. Pinned in each run's input when it starts.
        max_request_bytes: largest request body the graph routes accept (a JSON 413
            beyond it); 1 MiB by default, since a run's state travels through every
            step's history.
        store: the LangGraph store (any ``BaseStore``) of the Agent Server's store routes
            and of LangGraph nodes' ``runtime.store``; None chooses one from the app
            settings (docs/agent-server-api.md#store).
    """

    def __init__(
        self,
        app: func.FunctionRegister | None = None,
        *,
        http_auth_level: func.AuthLevel | str = func.AuthLevel.FUNCTION,
        step_log: bool = True,
        max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
        store: "BaseStore | None" = None,
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
        self._app = app
        self._registry = GraphRegistry()
        self._api = GraphApi(self._registry, step_log=step_log, max_request_bytes=max_request_bytes)
        self._stores = StoreProvider(store)
        blueprint = df.Blueprint(http_auth_level=http_auth_level)
        self._register_durable_functions(blueprint)
        self._register_http_functions(blueprint, http_auth_level)
        register_store_routes(
            blueprint, self._stores, http_auth_level, max_body_bytes=max_request_bytes
        )
        app.register_functions(blueprint)

    @property
    def function_app(self) -> func.FunctionRegister:
        """The app the Functions host indexes (assign it to a module-level name)."""
        return self._app

    @property
    def registry(self) -> GraphRegistry:
        return self._registry

    def register_registration(self, registration: GraphRegistration) -> None:
        """Serve a built graph. Registering a changed graph of the same name keeps the old hash
        available for runs already in flight."""
        self._registry.register(registration)

    def _register_durable_functions(self, bp: Any) -> None:
        registry = self._registry
        orchestrator = make_orchestrator(registry)
        orchestrator.__name__ = ORCHESTRATOR_NAME

        bp.function_name(ORCHESTRATOR_NAME)(
            bp.orchestration_trigger(context_name="context", orchestration=ORCHESTRATOR_NAME)(
                orchestrator
            )
        )

        activities: list[tuple[str, Callable[[GraphRegistry, dict[str, Any]], Any]]] = [
            (STEP_ACTIVITY, run_step),
            (TASK_ACTIVITY, run_task),
            (APPLY_ACTIVITY, apply_updates),
            (EVENT_ACTIVITY_V2, apply_event_v2),
            # The 0.1.0 activities, for runs started before engine v2.
            (NODE_ACTIVITY, run_node_step),
            (EVENT_ACTIVITY, apply_event),
        ]
        for name, body in activities:
            _apply(
                _activity(registry, name, body, self._stores),
                bp.function_name(name),
                bp.activity_trigger(input_name="request", activity=name),
            )
        _apply(
            record_step,
            bp.function_name(STEPS_ENTITY),
            bp.entity_trigger(context_name="context", entity_name=STEPS_ENTITY),
        )

    def _register_http_functions(self, bp: Any, auth: func.AuthLevel | str) -> None:
        api = self._api

        async def start_run(req: func.HttpRequest, client: Any) -> func.HttpResponse:
            return await api.start_run(req, client)

        async def get_run(req: func.HttpRequest, client: Any) -> func.HttpResponse:
            return await api.get_run(req, client)

        async def raise_event(req: func.HttpRequest, client: Any) -> func.HttpResponse:
            return await api.raise_event(req, client)

        async def cancel_run(req: func.HttpRequest, client: Any) -> func.HttpResponse:
            return await api.cancel_run(req, client)

        async def resume_run(req: func.HttpRequest, client: Any) -> func.HttpResponse:
            return await api.resume_run(req, client)

        async def get_steps(req: func.HttpRequest, client: Any) -> func.HttpResponse:
            return await api.get_steps(req, client)

        registry = self._registry

        async def list_runs(req: func.HttpRequest, client: Any) -> func.HttpResponse:
            return await _list_runs(req, client, registry)

        routes_with_client = [
            (list_runs, "runs", "GET"),
            (start_run, "graphs/{graph_name}/runs", "POST"),
            (get_run, "runs/{instance_id}", "GET"),
            (raise_event, "runs/{instance_id}/events/{event_name}", "POST"),
            (cancel_run, "runs/{instance_id}/cancel", "POST"),
            (resume_run, "runs/{instance_id}/resume", "POST"),
            (get_steps, "runs/{instance_id}/steps", "GET"),
        ]
        for handler, route, method in routes_with_client:
            _apply(
                handler,
                bp.function_name(HTTP_FUNCTIONS[handler.__name__]),
                bp.route(route=route, methods=[method], auth_level=auth),
                bp.durable_client_input(client_name="client"),
            )

        plain_routes: list[tuple[Callable[[func.HttpRequest], func.HttpResponse], str]] = [
            (api.health, "health"),
            (api.list_graphs, "graphs"),
            (api.get_graph, "graphs/{graph_name}"),
            (api.openapi, "openapi.json"),
        ]
        for method_handler, route in plain_routes:
            _apply(
                _plain(method_handler),
                bp.function_name(HTTP_FUNCTIONS[method_handler.__name__]),
                bp.route(route=route, methods=["GET"], auth_level=auth),
            )


def _plain(
    handler: Callable[[func.HttpRequest], func.HttpResponse],
) -> Callable[[func.HttpRequest], func.HttpResponse]:
    """A fresh function per route: the SDK's decorators annotate and rename what they wrap."""

    def endpoint(req: func.HttpRequest) -> func.HttpResponse:
        return handler(req)

    endpoint.__name__ = handler.__name__
    return endpoint


def _apply(fn: Callable[..., Any], *decorators: Any) -> None:
    """Apply the SDK's (untyped) decorators, innermost last, as the @ syntax would."""
    target: Any = fn
    for decorator in reversed(decorators):
        target = decorator(target)


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
        decoded = decode_json_text(request)
        if not isinstance(decoded, dict):
            raise TypeError(
                f"graph activity input must be a JSON object; got {type(decoded).__name__}"
            )
        try:
            with serving(stores):
                result: dict[str, Any] = await body(registry, decoded)
        except DurableGraphError as exc:
            error = {"type": type(exc).__name__, "message": str(exc)}
            return {"ok": False, "error": error, "retryable": False}
        return result

    activity.__name__ = name
    return activity
