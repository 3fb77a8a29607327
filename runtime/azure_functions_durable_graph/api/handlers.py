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

from ..durable.protocol import INBOX_EVENT, ORCHESTRATOR_NAME, RunInput, durable_event_name
from ..durable.steplog import new_log_id
from ..durable.wire import wrap_event_payload, wrap_resume
from ..errors import GraphNotFound, GraphRunFailed, GraphVersionNotRegistered
from ..graph.diagram import to_mermaid
from ..graph.manifest import GraphRegistration
from ..graph.registry import GraphRegistry
from . import durable_calls as calls
from .errors import ApiError, error_response, json_response, shown
from .inputs import (
    BREAKPOINT_KEYS,
    DEFAULT_MAX_REQUEST_BYTES,
    check_instance_id,
    check_max_request_bytes,
    json_body,
    run_breakpoints,
    run_options,
    valid_run_id,
)
from .resume import answers_for
from .status import FINISHED, describe_run, runtime_status_name
from .step_log_cache import StepLogCache
from .steps import (
    FORK_KEYS,
    all_steps,
    fork_input,
    log_id,
    page,
    purge_step_log,
    records_steps,
    running_state,
    step_count,
)
from .urls import api_base, run_url

logger = logging.getLogger("azure_functions_durable_graph")


class GraphApi:
    """The HTTP API of one `DurableGraphApp`: reads graphs from its registry at request time."""

    def __init__(
        self,
        registry: GraphRegistry,
        *,
        orchestrator_name: str = ORCHESTRATOR_NAME,
        max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
        step_log: bool = True,
    ):
        self.registry = registry
        self.orchestrator_name = orchestrator_name
        self.max_request_bytes = check_max_request_bytes(max_request_bytes)
        self.step_log = step_log
        self.step_logs = StepLogCache()  # running runs' step records, for status polls

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
        body = json_body(req, allow_empty=False, max_bytes=self.max_request_bytes)
        if not isinstance(body, dict):
            raise ApiError(
                400,
                "invalid_body",
                f'request body must be a JSON object like {{"input": {{...}}}}; '
                f"got {type(body).__name__}",
            )
        allowed = ["input", "instance_id", "config", "context", *BREAKPOINT_KEYS, *FORK_KEYS]
        unknown = sorted(set(body) - set(allowed))
        if unknown:
            raise ApiError(
                400,
                "invalid_body",
                f"unknown keys {shown(unknown)} in request body; allowed keys: {allowed}",
            )
        if any(key in body for key in FORK_KEYS):
            if any(key in body for key in ("config", "context", *BREAKPOINT_KEYS)):
                raise ApiError(
                    400,
                    "invalid_body",
                    "a fork runs with the config, context and breakpoints of the run it "
                    "forks; leave 'config', 'context', 'interrupt_before' and "
                    "'interrupt_after' out",
                )
            source = await self._graph_run_status(client, str(body.get("from_run", "")))
            registration, run = await fork_input(
                client, self.registry, registration, source, body, step_log=self.step_log
            )
            instance_id = check_instance_id(body["instance_id"]) if "instance_id" in body else None
            return await self._started(req, client, registration, run, instance_id)
        raw_input = body.get("input", {})
        if not isinstance(raw_input, dict):
            raise ApiError(
                400,
                "invalid_body",
                f"'input' must be a JSON object; got {type(raw_input).__name__}",
            )
        state = _validate_input(registration, raw_input)
        config, context = run_options(body, registration.codec, registration.graph_name)
        breakpoints = run_breakpoints(body, list(registration.manifest.nodes))
        instance_id = None
        if "instance_id" in body:
            instance_id = check_instance_id(body["instance_id"])
        run = RunInput(
            registration.graph_name,
            registration.graph_hash,
            state,
            steps_per_execution=registration.manifest.steps_per_execution,
            record_steps=self.step_log,
            log_id=new_log_id() if self.step_log else None,
            config=config,
            context=context,
            **breakpoints,
        )
        return await self._started(req, client, registration, run, instance_id)

    async def _started(
        self,
        req: func.HttpRequest,
        client: Any,
        registration: GraphRegistration,
        run: RunInput,
        instance_id: str | None,
    ) -> func.HttpResponse:
        replaced = None if instance_id is None else await calls.current_status(client, instance_id)
        instance_id = await calls.start(client, self.orchestrator_name, instance_id, run.to_dict())
        if replaced is not None:  # a finished run replaced: its step log goes with it
            await purge_step_log(client, replaced)
        status_url = run_url(api_base(req, segments_after_base=3), instance_id)
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
        if run["status"] == "Completed":
            run["state"] = run["output"]
        else:
            run["state"] = await running_state(client, status, step_count(status), self.step_logs)
        for child in run.get("children") or []:
            child_status = await calls.current_status(client, child["instance_id"])
            child_run = describe_run(child_status, child["instance_id"], self.registry)
            child["status"] = child_run["status"] if child_status is not None else None
            child["current_node"] = child_run["current_node"] if child_status is not None else None
        return json_response(run)

    async def _raise_event(self, req: func.HttpRequest, client: Any) -> func.HttpResponse:
        instance_id = req.route_params.get("instance_id", "")
        event_name = req.route_params.get("event_name", "")
        payload = json_body(req, allow_empty=True, max_bytes=self.max_request_bytes)
        status = await self._graph_run_status(client, instance_id)
        _require_running(status, instance_id)
        try:
            run = RunInput.parse(status.input_)
        except GraphRunFailed as exc:
            raise ApiError(
                404, "instance_not_found", f"instance {shown(instance_id)} is not a graph run"
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
                f"graph {run.graph_name!r} has no handler for event {shown(event_name)}; "
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
        durable_name = durable_event_name(run.engine, event_name)
        await calls.raise_event(
            client, instance_id, durable_name, wrap_event_payload(event_name, payload)
        )
        base = api_base(req, segments_after_base=4)
        return json_response(
            {
                "instance_id": instance_id,
                "event_name": event_name,
                "status_url": run_url(base, instance_id),
            },
            status=202,
        )

    async def _cancel_run(self, req: func.HttpRequest, client: Any) -> func.HttpResponse:
        instance_id = req.route_params.get("instance_id", "")
        body = json_body(req, allow_empty=True, max_bytes=self.max_request_bytes)
        reason = "cancelled through the HTTP API"
        if body is not None:
            if not isinstance(body, dict) or set(body) - {"reason"}:
                raise ApiError(
                    400,
                    "invalid_body",
                    'cancel body must be empty or a JSON object like {"reason": "..."}; '
                    f"got {shown(body)}",
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
        await calls.terminate(client, instance_id, reason)
        base = api_base(req, segments_after_base=3)
        return json_response(
            {
                "instance_id": instance_id,
                "reason": reason,
                "status_url": run_url(base, instance_id),
            },
            status=202,
        )

    async def _get_steps(self, req: func.HttpRequest, client: Any) -> func.HttpResponse:
        instance_id = req.route_params.get("instance_id", "")
        status = await self._graph_run_status(client, instance_id)
        steps = await all_steps(client, instance_id, step_count(status), log_id(status))
        body = {"instance_id": instance_id, "step_log": records_steps(status)}
        return json_response({**body, **page(steps, dict(req.params))})

    async def _resume_run(self, req: func.HttpRequest, client: Any) -> func.HttpResponse:
        instance_id = req.route_params.get("instance_id", "")
        body = json_body(req, allow_empty=False, max_bytes=self.max_request_bytes)
        status = await self._graph_run_status(client, instance_id)
        _require_running(status, instance_id)
        run = describe_run(status, instance_id, self.registry)
        try:
            models = self.registry.get(str(run["graph_name"]), str(run["graph_hash"])).answer_models
        except LookupError:  # a removed version: its runs are answered unchecked
            models = {}
        answers = answers_for(body, run["interrupts"], instance_id, models)
        await calls.raise_event(client, instance_id, INBOX_EVENT, wrap_resume(answers))
        base = api_base(req, segments_after_base=3)
        return json_response(
            {
                "instance_id": instance_id,
                "answered": sorted(answers),
                "status_url": run_url(base, instance_id),
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

        server_url = api_base(req, segments_after_base=1).rstrip("/")
        return json_response(
            build_openapi(self.registry.latest_registrations(), server_url=server_url)
        )

    # -- shared lookups ------------------------------------------------------------------

    def _latest(self, graph_name: str) -> GraphRegistration:
        try:
            return self.registry.latest(graph_name)
        except GraphNotFound as exc:
            known = ", ".join(repr(r.graph_name) for r in self.registry.latest_registrations())
            raise ApiError(
                404,
                "graph_not_found",
                f"No graph named {shown(graph_name)} is registered; registered graphs: "
                f"{known or 'none'}",
            ) from exc

    async def _graph_run_status(self, client: Any, instance_id: str) -> Any:
        """The Durable status of a run of this app's orchestrator, else 404."""
        not_found = calls.not_found(instance_id)
        if not valid_run_id(instance_id):
            raise not_found
        status = await calls.current_status(client, instance_id)
        if status is None:
            raise not_found
        name = getattr(status, "name", None)
        if name is not None and name != self.orchestrator_name:
            raise not_found
        return status


def _require_running(status: Any, instance_id: str) -> None:
    name = runtime_status_name(status)
    if name in FINISHED:
        raise calls.run_finished(instance_id, name)


def _validate_input(registration: GraphRegistration, raw_input: dict[str, Any]) -> dict[str, Any]:
    try:
        if registration.state_model is not None:
            # The OpenAPI document shows the model's JSON schema: hold the input to it, with
            # none of pydantic's lax conversions (true -> 1, "5" -> 5) the schema forbids.
            as_schema_reads_it = json.dumps(_integral_floats_as_ints(raw_input))
            registration.state_model.model_validate_json(as_schema_reads_it, strict=True)
        return registration.codec.validate_input(raw_input)
    except ValidationError as exc:
        raise ApiError(
            422,
            "validation_error",
            f"input is not a valid {registration.codec.model_name} "
            f"for graph {registration.graph_name!r}",
            json.loads(exc.json(include_url=False)),
        ) from exc


def _integral_floats_as_ints(value: Any) -> Any:
    """422.0 is an integer to JSON Schema (not to pydantic's strict mode): make it 422."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _integral_floats_as_ints(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_integral_floats_as_ints(v) for v in value]
    return value


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
    logger.exception("unhandled error in %s %s", req.method, shown(str(req.url), 200))
    return error_response(
        ApiError(500, "internal_error", "internal server error; the details are in the logs")
    )
