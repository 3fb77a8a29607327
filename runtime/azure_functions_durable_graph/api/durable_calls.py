"""Durable client calls whose answers race the run: mapped to 404/409 truthfully.

Between the handler's status check and its call the run may finish. The
SDK's client raises a bare ``Exception`` on the extension's 404/410 for an
event, swallows the 410 of a terminate, and raises on a refused start; so
after a call the run's status is read again to say what really happened.
"""

from __future__ import annotations

from typing import Any

from .errors import ApiError, shown
from .status import FINISHED, runtime_status_name


async def current_status(client: Any, instance_id: str) -> Any | None:
    """The Durable status, or None when there is no such instance."""
    status = await client.get_status(instance_id, show_input=True)
    if status is None or not runtime_status_name(status):
        return None
    return status


def run_finished(instance_id: str, status_name: str | None, doing: str = "") -> ApiError:
    return ApiError(
        409,
        "run_finished",
        f"run {shown(instance_id)} has already finished ({status_name}){doing}",
        {"status": status_name},
    )


def instance_exists(instance_id: str, status_name: str | None) -> ApiError:
    return ApiError(
        409,
        "instance_exists",
        f"instance {shown(instance_id)} is already {status_name or 'running'}; "
        "pick another instance_id or wait for it to finish",
        {"status": status_name},
    )


def not_found(instance_id: str) -> ApiError:
    return ApiError(
        404, "instance_not_found", f"no graph run with instance id {shown(instance_id)}"
    )


def backend_refused(exc: Exception, doing: str) -> Exception:
    """A 503 (retryable) when the Durable backend said it is unavailable, else `exc` (a 500).

    The local host answers 503 ``{"error": {"code": "unavailable", ...}}`` when its store
    cannot take writes (a full disk); its message names the cause and is shown. Other
    failures are not echoed: they may carry connection details, so they stay a logged 500.
    """
    said = exc.args[0] if exc.args else None
    error = said.get("error") if isinstance(said, dict) else None
    if isinstance(error, dict) and error.get("code") == "unavailable":
        message = f"the Durable backend could not {doing}: {error.get('message')}"
        return ApiError(503, "backend_unavailable", message)
    if isinstance(said, str) and said.endswith("unrecognized status code 503"):
        return ApiError(503, "backend_unavailable", f"the Durable backend could not {doing}")
    return exc


async def start(client: Any, orchestrator: str, instance_id: str | None, client_input: Any) -> str:
    """Start a run; a given id still in use is a 409, however the race was lost.

    The check before the call answers the common case with the run's status;
    the store's own atomic check (the extension refuses to replace a running
    instance) decides the race, and its refusal is read back as a 409.
    """
    if instance_id is not None:
        existing = await current_status(client, instance_id)
        name = runtime_status_name(existing) if existing is not None else None
        if existing is not None and name not in FINISHED:
            raise instance_exists(instance_id, name)
    try:
        started: str = await client.start_new(
            orchestrator, instance_id=instance_id, client_input=client_input
        )
    except Exception as exc:
        if instance_id is not None:
            existing = await current_status(client, instance_id)
            name = runtime_status_name(existing) if existing is not None else None
            if existing is not None and name not in FINISHED:
                raise instance_exists(instance_id, name) from None
        refused = backend_refused(exc, "start the run")
        if refused is exc:
            raise
        raise refused from exc
    return started


async def raise_event(client: Any, instance_id: str, event_name: str, payload: Any) -> None:
    """Send an event; a run that finished (410) or vanished (404) meanwhile is a 409/404."""
    try:
        await client.raise_event(instance_id, event_name, payload)
    except Exception as exc:
        status = await current_status(client, instance_id)
        if status is None:
            raise not_found(instance_id) from None
        name = runtime_status_name(status)
        if name in FINISHED:
            raise run_finished(
                instance_id, name, " before the event arrived; it was not delivered"
            ) from None
        refused = backend_refused(exc, "keep the event")
        if refused is exc:
            raise
        raise refused from exc


async def terminate(client: Any, instance_id: str, reason: str) -> None:
    """Cancel a run; one that completed or failed first was not cancelled: a 409.

    Termination is asynchronous, so Running or Terminated afterwards both mean
    the request stands; Completed or Failed mean the run won the race.
    """
    try:
        await client.terminate(instance_id, reason)
    except Exception:
        status = await current_status(client, instance_id)
        if status is None:
            raise not_found(instance_id) from None
        raise
    status = await current_status(client, instance_id)
    if status is None:
        raise not_found(instance_id)
    name = runtime_status_name(status)
    if name in FINISHED and name != "Terminated":
        raise run_finished(instance_id, name, "; it was not cancelled")
