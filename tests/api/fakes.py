"""A plain in-memory stand-in for DurableOrchestrationClient; statuses are the SDK's own type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import azure.functions as func
from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus
from azure.durable_functions.models.EntityStateResponse import EntityStateResponse

from azure_functions_durable_graph import DurableGraphApp

BASE = "http://localhost:7071/api/"


@dataclass
class FakeDurableClient:
    """Records calls; `statuses` holds the status bodies the extension would return.

    It answers as the SDK's client does over the extension: `start_new` raises on an
    id that is still Pending or Running, `raise_event` raises on a finished (410) or
    unknown (404) instance, `terminate` silently accepts a finished one (410). A hook
    in `before` (keyed by method name) runs first, so a test can finish a run between
    the handler's status check and its call: the races the API must answer truthfully.
    """

    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)
    started: list[tuple[str, str | None, Any]] = field(default_factory=list)
    #: Entity states by entity id ("@name@key"), as read_entity_state returns them.
    entities: dict[str, Any] = field(default_factory=dict)
    events: list[tuple[str, str, Any]] = field(default_factory=list)
    terminated: list[tuple[str, str]] = field(default_factory=list)
    fail_with: Exception | None = None
    before: dict[str, Callable[[], None]] = field(default_factory=dict)

    def _hook(self, method: str) -> None:
        hook = self.before.pop(method, None)
        if hook is not None:
            hook()

    def finish(self, instance_id: str, runtime_status: str = "Completed") -> Callable[[], None]:
        """A hook that moves the run to `runtime_status` (for `before`)."""
        return lambda: self.statuses[instance_id].update(runtimeStatus=runtime_status)

    async def start_new(
        self,
        orchestration_function_name: str,
        instance_id: str | None = None,
        client_input: Any = None,
    ) -> str:
        self._hook("start_new")
        if self.fail_with:
            raise self.fail_with
        existing = self.statuses.get(instance_id or "")
        if existing is not None and existing["runtimeStatus"] in ("Pending", "Running"):
            message = f"an orchestration instance with id {instance_id!r} already exists"
            raise Exception({"Message": message, "ExceptionMessage": message})
        instance_id = instance_id or f"generated-{len(self.started)}"
        self.started.append((orchestration_function_name, instance_id, client_input))
        self.statuses[instance_id] = {
            "name": orchestration_function_name,
            "instanceId": instance_id,
            "runtimeStatus": "Pending",
            "input": client_input,
            "createdTime": "2026-01-01T00:00:00Z",
            "lastUpdatedTime": "2026-01-01T00:00:00Z",
        }
        return instance_id

    async def get_status(
        self,
        instance_id: str,
        show_history: bool = False,
        show_history_output: bool = False,
        show_input: bool = False,
    ) -> DurableOrchestrationStatus:
        body = self.statuses.get(instance_id)
        # The real client turns the extension's empty 404 body into an empty status.
        return DurableOrchestrationStatus.from_json(body if body is not None else "")

    async def read_entity_state(self, entity_id: Any) -> EntityStateResponse:
        state = self.entities.get(str(entity_id))
        return EntityStateResponse(state is not None, state)

    async def raise_event(self, instance_id: str, event_name: str, event_data: Any = None) -> None:
        self._hook("raise_event")
        body = self.statuses.get(instance_id)
        if body is None:
            raise Exception(f"No instance with ID {instance_id} found.")
        if body["runtimeStatus"] in ("Completed", "Failed", "Terminated"):
            raise Exception(f"Instance with ID {instance_id} is gone: either completed or failed")
        self.events.append((instance_id, event_name, event_data))

    async def terminate(self, instance_id: str, reason: str) -> None:
        self._hook("terminate")
        body = self.statuses.get(instance_id)
        if body is None:
            raise Exception(f"No instance with ID '{instance_id}' found.")
        if body["runtimeStatus"] in ("Completed", "Failed", "Terminated"):
            return  # the extension answers 410, which the SDK's client swallows
        self.terminated.append((instance_id, reason))


def request(
    method: str,
    path: str,
    *,
    body: bytes | str | None = None,
    route_params: dict[str, str] | None = None,
) -> func.HttpRequest:
    if isinstance(body, str):
        body = body.encode()
    return func.HttpRequest(
        method=method,
        url=BASE + path + "?code=secret",
        headers={"Content-Type": "application/json"},
        params={"code": "secret"},
        route_params=route_params or {},
        body=body or b"",
    )


def user_functions(runtime: DurableGraphApp) -> dict[str, Any]:
    """The user function behind each registered function; durable-client ones unwrapped.

    Call once per app: the SDK's get_functions() refuses a second call (it remembers the
    names it has seen and reports them as duplicates).
    """
    found = {}
    for f in runtime.function_app.get_functions():
        user = f.get_user_function()
        found[f.get_function_name()] = getattr(user, "client_function", user)
    return found
