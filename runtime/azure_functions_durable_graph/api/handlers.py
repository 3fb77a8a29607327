"""The /api/... handlers: plain functions of (request, durable client), wired up by app.py.

Every bad input becomes a 4xx JSON error; anything unexpected is logged and
answered with a 500 JSON body that carries no traceback.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import azure.functions as func
from pydantic import ValidationError

from ..errors import GraphNotFound, GraphRunFailed, GraphVersionNotRegistered
from ..graph.diagram import to_mermaid
from ..graph.inbox import INBOX_EVENT
from ..graph.manifest import GraphRegistration
from ..graph.orchestration import ORCHESTRATOR_NAME, RunInput
from ..graph.progress import ENGINE_V2
from ..graph.registry import GraphRegistry
from ..graph.wire import decode_json_text, wrap_event_payload, wrap_resume
from .errors import ApiError, error_response, json_response
from .resume import answers_for
from .status import FINISHED, describe_run, runtime_status_name
from .steps import all_steps, fork_progress, page, running_state

logger = logging.getLogger("azure_functions_durable_graph")

MAX_INSTANCE_ID_LENGTH = 100
_FORBIDDEN_ID_CHARS = "/\\#?"


class GraphApi:
    """The HTTP API of one `DurableGraphApp`: reads graphs from its registry at request time."""

    def __init__(
        self,
        registry: GraphRegistry,
        *,
        orchestrator_name: str = ORCHESTRATOR_NAME,
        step_log: bool = True,
    ):
        self.registry = registry
        self.orchestrator_name = orchestrator_name
        self.step_log = step_log

    # -- routes that need the durable client -------------------------------------------

    async def start_run(self, req: func.HttpRequest, client: Any) -> func.HttpResponse:
        return await _guard_async(self._start_run, req, client)

    async def get_run(self, req: func.HttpRequest, client: Any) -> func.HttpResponse:
        return await _guard_async(self._get_run, req, client)

    async def raise_event(self, req: func.HttpRequest, client: Any) -> func.HttpResponse:
        return await _guard_async(self._raise_event, req, client)

    async def cancel_run(self, req: func.HttpRequest, client: Any) -> func.HttpResponse:
        return await _guard_async(self._cancel_run, req, client)

    async def resume_run(self, req: func.HttpRequest, client: Any) -> func.HttpResponse:
        return await _guard_async(self._resume_run, req, client)

    async def get_steps(self, req: func.HttpRequest, client: Any) -> func.HttpResponse:
        return await _guard_async(self._get_steps, req, client)

    # -- routes that only read the registry ----------------------------------------------

    def health(self, req: func.HttpRequest) -> func.HttpResponse:
        return _guard(self._health, req)

    def list_graphs(self, req: func.HttpRequest) -> func.HttpResponse:
        return _guard(self._list_graphs, req)

    def get_graph(self, req: func.HttpRequest) -> func.HttpResponse:
        return _guard(self._get_graph, req)

    def openapi(self, req: func.HttpRequest) -> func.HttpResponse:
        return _guard(self._openapi, req)

    # -- implementations -----------------------------------------------------------------

    async def _start_run(self, req: func.HttpRequest, client: Any) -> func.HttpResponse:
        registration = self._latest(req.route_params.get("graph_name", ""))
        body = _json_body(req, allow_empty=False)
        if not isinstance(body, dict):
            raise ApiError(
                400,
                "invalid_body",
                f'request body must be a JSON object like {{"input": {{...}}}}; '
                f"got {type(body).__name__}",
            )
        unknown = sorted(set(body) - {"input", "instance_id", *FORK_KEYS})
        if unknown:
            raise ApiError(
                400,
                "invalid_body",
                f"unknown keys {unknown} in request body; allowed keys: "
                f"{['input', 'instance_id', *FORK_KEYS]}",
            )
        if any(key in body for key in FORK_KEYS):
            return await self._fork(req, client, registration, body)
        raw_input = body.get("input", {})
        if not isinstance(raw_input, dict):
            raise ApiError(
                400,
                "invalid_body",
                f"'input' must be a JSON object; got {type(raw_input).__name__}",
            )
        state = _validate_input(registration, raw_input)
        instance_id = body.get("instance_id")
        if instance_id is not None:
            _check_instance_id(instance_id)
            existing = await _status(client, instance_id)
            if existing is not None and runtime_status_name(existing) not in FINISHED:
                raise ApiError(
                    409,
                    "instance_exists",
                    f"instance {instance_id!r} is already "
                    f"{runtime_status_name(existing) or 'running'}; "
                    "pick another instance_id or wait for it to finish",
                )
        run = RunInput(
            registration.graph_name,
            registration.graph_hash,
            state,
            steps_per_execution=registration.manifest.steps_per_execution,
            record_steps=self.step_log,
        )
        return await self._started(req, client, registration, run, instance_id)

    async def _fork(
        self,
        req: func.HttpRequest,
        client: Any,
        registration: GraphRegistration,
        body: dict[str, Any],
    ) -> func.HttpResponse:
        """LangGraph's time travel as a new durable run: the state after a step, what came next."""
        if "input" in body:
            raise ApiError(
                400, "invalid_body", "a fork takes 'from_run' and 'from_step', not 'input'"
            )
        source_id, from_step = body.get("from_run"), body.get("from_step")
        if (
            not isinstance(source_id, str)
            or isinstance(from_step, bool)
            or not isinstance(from_step, int)
        ):
            raise ApiError(
                400,
                "invalid_body",
                "a fork needs 'from_run' (a run's instance id) and 'from_step' "
                "(a superstep number)",
            )
        status = await self._graph_run_status(client, source_id)
        source = RunInput.parse(status.input_)
        if source.graph_name != registration.graph_name:
            raise ApiError(
                409,
                "graph_mismatch",
                f"run {source_id!r} is a run of graph {source.graph_name!r}, not "
                f"{registration.graph_name!r}",
            )
        try:
            pinned = self.registry.get(source.graph_name, source.graph_hash)
        except GraphVersionNotRegistered as exc:
            raise ApiError(409, "graph_version_not_registered", str(exc)) from exc
        custom = _custom(status)
        steps = await all_steps(client, source_id, int(custom.get("executions") or 1))
        progress = fork_progress(steps, from_step, body.get("state_patch"))
        try:
            progress["state"] = pinned.codec.validate_input(progress["state"])
        except ValidationError as exc:
            raise ApiError(
                422,
                "validation_error",
                "the forked state is not valid for the graph",
                json.loads(exc.json(include_url=False)),
            ) from exc
        instance_id = body.get("instance_id")
        if instance_id is not None:
            _check_instance_id(instance_id)
        run = RunInput(
            pinned.graph_name,
            pinned.graph_hash,
            {},
            steps_per_execution=source.steps_per_execution or pinned.manifest.steps_per_execution,
            progress=progress,
            record_steps=self.step_log,
        )
        return await self._started(req, client, pinned, run, instance_id)

    async def _started(
        self,
        req: func.HttpRequest,
        client: Any,
        registration: GraphRegistration,
        run: RunInput,
        instance_id: str | None,
    ) -> func.HttpResponse:
        instance_id = await client.start_new(
            self.orchestrator_name, instance_id=instance_id, client_input=run.to_dict()
        )
        base = _api_base(req, segments_after_base=3)
        status_url = f"{base}runs/{instance_id}"
        body_out = {
            "instance_id": instance_id,
            "graph_name": registration.graph_name,
            "graph_version": registration.manifest.version,
            "graph_hash": registration.graph_hash,
            "status_url": status_url,
            "events_url": f"{status_url}/events/{{event_name}}",
            "cancel_url": f"{status_url}/cancel",
        }
        return json_response(body_out, status=202, headers={"Location": status_url})

    async def _get_run(self, req: func.HttpRequest, client: Any) -> func.HttpResponse:
        instance_id = req.route_params.get("instance_id", "")
        status = await self._graph_run_status(client, instance_id)
        run = describe_run(status, instance_id, self.registry)
        executions = int(_custom(status).get("executions") or 1)
        if run["status"] == "Completed":
            run["state"] = run["output"]
        else:
            run["state"] = await running_state(client, status, executions)
        for child in run.get("children") or []:
            child_status = await _status(client, child["instance_id"])
            child_run = describe_run(child_status, child["instance_id"], self.registry)
            child["status"] = child_run["status"] if child_status is not None else None
            child["current_node"] = child_run["current_node"] if child_status is not None else None
        return json_response(run)

    async def _raise_event(self, req: func.HttpRequest, client: Any) -> func.HttpResponse:
        instance_id = req.route_params.get("instance_id", "")
        event_name = req.route_params.get("event_name", "")
        payload = _json_body(req, allow_empty=True)
        status = await self._graph_run_status(client, instance_id)
        _require_running(status, instance_id)
        try:
            run = RunInput.parse(status.input_)
        except GraphRunFailed as exc:
            raise ApiError(
                404, "instance_not_found", f"instance {instance_id!r} is not a graph run"
            ) from exc
        try:
            registration = self.registry.get(run.graph_name, run.graph_hash)
        except GraphVersionNotRegistered as exc:
            raise ApiError(409, "graph_version_not_registered", str(exc)) from exc
        handlers = registration.manifest.event_handlers
        if event_name not in handlers:
            raise ApiError(
                400,
                "unknown_event",
                f"graph {run.graph_name!r} has no handler for event {event_name!r}; "
                f"its events: {handlers}",
                {"event_handlers": handlers},
            )
        model = registration.event_payload_models.get(event_name)
        if model is not None:
            try:
                model.model_validate(payload)
            except ValidationError as exc:
                raise ApiError(
                    422,
                    "validation_error",
                    f"event {event_name!r} payload is not a valid {model.__name__}",
                    json.loads(exc.json(include_url=False)),
                ) from exc
        # Engine-v2 runs read every event from their inbox; 0.1.0 runs wait by event name.
        durable_name = INBOX_EVENT if run.engine >= ENGINE_V2 else event_name
        await client.raise_event(instance_id, durable_name, wrap_event_payload(event_name, payload))
        base = _api_base(req, segments_after_base=4)
        return json_response(
            {
                "instance_id": instance_id,
                "event_name": event_name,
                "status_url": f"{base}runs/{instance_id}",
            },
            status=202,
        )

    async def _cancel_run(self, req: func.HttpRequest, client: Any) -> func.HttpResponse:
        instance_id = req.route_params.get("instance_id", "")
        body = _json_body(req, allow_empty=True)
        reason = "cancelled through the HTTP API"
        if body is not None:
            if not isinstance(body, dict) or set(body) - {"reason"}:
                raise ApiError(
                    400,
                    "invalid_body",
                    'cancel body must be empty or a JSON object like {"reason": "..."}; '
                    f"got {body!r}",
                )
            if "reason" in body:
                if not isinstance(body["reason"], str):
                    raise ApiError(
                        400,
                        "invalid_body",
                        f"'reason' must be a string; got {type(body['reason']).__name__}",
                    )
                reason = body["reason"]
        status = await self._graph_run_status(client, instance_id)
        _require_running(status, instance_id)
        await client.terminate(instance_id, reason)
        base = _api_base(req, segments_after_base=3)
        return json_response(
            {
                "instance_id": instance_id,
                "reason": reason,
                "status_url": f"{base}runs/{instance_id}",
            },
            status=202,
        )

    async def _get_steps(self, req: func.HttpRequest, client: Any) -> func.HttpResponse:
        instance_id = req.route_params.get("instance_id", "")
        status = await self._graph_run_status(client, instance_id)
        executions = int(_custom(status).get("executions") or 1)
        steps = await all_steps(client, instance_id, executions)
        return json_response({"instance_id": instance_id, **page(steps, dict(req.params))})

    async def _resume_run(self, req: func.HttpRequest, client: Any) -> func.HttpResponse:
        instance_id = req.route_params.get("instance_id", "")
        body = _json_body(req, allow_empty=False)
        status = await self._graph_run_status(client, instance_id)
        _require_running(status, instance_id)
        run = describe_run(status, instance_id, self.registry)
        answers = answers_for(body, run["interrupts"], instance_id)
        await client.raise_event(instance_id, INBOX_EVENT, wrap_resume(answers))
        base = _api_base(req, segments_after_base=3)
        return json_response(
            {
                "instance_id": instance_id,
                "answered": sorted(answers),
                "status_url": f"{base}runs/{instance_id}",
            },
            status=202,
        )

    def _health(self, req: func.HttpRequest) -> func.HttpResponse:
        graphs = [
            {
                "graph_name": r.graph_name,
                "version": r.manifest.version,
                "graph_hash": r.graph_hash,
            }
            for r in self.registry.latest_registrations()
        ]
        return json_response({"status": "ok", "graphs": graphs})

    def _list_graphs(self, req: func.HttpRequest) -> func.HttpResponse:
        manifests = [
            r.manifest.model_dump(mode="json") for r in self.registry.latest_registrations()
        ]
        return json_response({"graphs": manifests})

    def _get_graph(self, req: func.HttpRequest) -> func.HttpResponse:
        registration = self._latest(req.route_params.get("graph_name", ""))
        manifest = registration.manifest
        diagram = {"mermaid": to_mermaid(manifest)}
        return json_response({**manifest.model_dump(mode="json"), "diagram": diagram})

    def _openapi(self, req: func.HttpRequest) -> func.HttpResponse:
        from .openapi import build_openapi  # built on request: not part of cold start

        server_url = _api_base(req, segments_after_base=1).rstrip("/")
        return json_response(
            build_openapi(self.registry.latest_registrations(), server_url=server_url)
        )

    # -- shared lookups ------------------------------------------------------------------

    def _latest(self, graph_name: str) -> GraphRegistration:
        try:
            return self.registry.latest(graph_name)
        except GraphNotFound as exc:
            raise ApiError(404, "graph_not_found", str(exc)) from exc

    async def _graph_run_status(self, client: Any, instance_id: str) -> Any:
        """The Durable status of a run of this app's orchestrator, else 404."""
        not_found = ApiError(
            404, "instance_not_found", f"no graph run with instance id {instance_id!r}"
        )
        if not _valid_instance_id(instance_id):
            raise not_found
        status = await _status(client, instance_id)
        if status is None:
            raise not_found
        name = getattr(status, "name", None)
        if name is not None and name != self.orchestrator_name:
            raise not_found
        return status


async def _status(client: Any, instance_id: str) -> Any | None:
    status = await client.get_status(instance_id, show_input=True)
    if status is None or not runtime_status_name(status):
        return None
    return status


def _require_running(status: Any, instance_id: str) -> None:
    name = runtime_status_name(status)
    if name in FINISHED:
        raise ApiError(409, "run_finished", f"run {instance_id!r} has already finished ({name})")


def _validate_input(registration: GraphRegistration, raw_input: dict[str, Any]) -> dict[str, Any]:
    try:
        return registration.codec.validate_input(raw_input)
    except ValidationError as exc:
        raise ApiError(
            422,
            "validation_error",
            f"input is not a valid {registration.codec.model_name} "
            f"for graph {registration.graph_name!r}",
            json.loads(exc.json(include_url=False)),
        ) from exc


def _valid_instance_id(value: object) -> bool:
    return (
        isinstance(value, str)
        and 0 < len(value) <= MAX_INSTANCE_ID_LENGTH
        and value.isprintable()
        and value.strip() == value
        and not any(c in value for c in _FORBIDDEN_ID_CHARS)
    )


def _check_instance_id(value: object) -> None:
    if not _valid_instance_id(value):
        raise ApiError(
            400,
            "invalid_instance_id",
            f"instance_id must be a string of 1-{MAX_INSTANCE_ID_LENGTH} printable characters "
            "without surrounding spaces or any of '/', '\\', '#', '?'; got "
            f"{value!r}",
        )


def _json_body(req: func.HttpRequest, *, allow_empty: bool) -> Any:
    raw = req.get_body()
    if not raw.strip():
        if allow_empty:
            return None
        raise ApiError(400, "invalid_json", "request body is empty; expected a JSON object")
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "invalid_json", f"request body is not valid JSON: {exc}") from exc


def _api_base(req: func.HttpRequest, *, segments_after_base: int) -> str:
    """The URL up to and including the route prefix ('.../api/'), from the request's own URL."""
    path = str(req.url).split("?", 1)[0].rstrip("/")
    return path.rsplit("/", segments_after_base)[0] + "/"


async def _guard_async(
    handler: Callable[[func.HttpRequest, Any], Awaitable[func.HttpResponse]],
    req: func.HttpRequest,
    client: Any,
) -> func.HttpResponse:
    try:
        return await handler(req, client)
    except ApiError as exc:
        return error_response(exc)
    except Exception:
        return _internal_error(req)


def _guard(
    handler: Callable[[func.HttpRequest], func.HttpResponse], req: func.HttpRequest
) -> func.HttpResponse:
    try:
        return handler(req)
    except ApiError as exc:
        return error_response(exc)
    except Exception:
        return _internal_error(req)


def _internal_error(req: func.HttpRequest) -> func.HttpResponse:
    logger.exception("unhandled error in %s %s", req.method, req.url)
    return error_response(
        ApiError(500, "internal_error", "internal server error; the details are in the logs")
    )


#: Body keys of POST /api/graphs/{name}/runs that start a fork of an earlier run.
FORK_KEYS = ("from_run", "from_step", "state_patch")


def _custom(status: Any) -> dict[str, Any]:
    custom = decode_json_text(getattr(status, "custom_status", None))
    return custom if isinstance(custom, dict) else {}
