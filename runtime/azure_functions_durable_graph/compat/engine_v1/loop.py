"""The 0.1.0 orchestrator loop (engine 1), kept verbatim for runs started before engine 2.

Runs whose input has no ``"engine"`` key were started by the 0.1.0 runtime;
their histories were written by this loop, so they must replay through it
unchanged (tests/compat replays recorded 0.1.0 histories). New runs never
come here. Do not change the order or kind of anything this loop schedules.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from ...durable.protocol import V1_EVENT_ACTIVITY as EVENT_ACTIVITY
from ...durable.protocol import V1_NODE_ACTIVITY as NODE_ACTIVITY
from ...durable.protocol import RunInput
from ...errors import GraphRunFailed, StepLimitExceeded
from ...graph.manifest import GraphManifest
from ...graph.routing import COMPLETE


def custom_status(
    manifest: GraphManifest, node: str, step: int, waiting: Mapping[str, str] | None
) -> dict[str, Any]:
    return {
        "graph": manifest.graph_name,
        "version": manifest.version,
        "hash": manifest.graph_hash,
        "node": node,
        "step": step,
        "waiting": waiting,
    }


def run_legacy(
    context: Any, manifest: GraphManifest, run: RunInput
) -> Generator[Any, Any, dict[str, Any]]:
    """One 0.1.0 run: one activity per node step, one per applied event."""
    pinned = {"graph_name": run.graph_name, "graph_hash": run.graph_hash}
    state = run.state
    node = manifest.entrypoint
    step = 0
    path: list[str] = []  # every node run, in order, repeats included
    while True:
        if step >= manifest.max_steps:
            raise StepLimitExceeded(manifest.graph_name, manifest.max_steps, node)
        step += 1
        path.append(node)
        context.set_custom_status(custom_status(manifest, node, step, None))
        result = yield context.call_activity(
            NODE_ACTIVITY, {**pinned, "node": node, "state": state}, expected_type=dict
        )
        state = _state_from(result)
        decision = result["decision"]
        if decision["kind"] == "complete":
            break
        if decision["kind"] == "next":
            node = decision["next_node"]
            continue
        event_name, resume_node = decision["event_name"], decision["resume_node"]
        waiting = {"event_name": event_name, "resume_node": resume_node}
        event = context.wait_for_external_event(event_name, expected_type=object)
        timeout_seconds = decision.get("timeout_seconds")  # absent in older histories
        if timeout_seconds is None:
            context.set_custom_status(custom_status(manifest, node, step, waiting))
            payload = yield event
        else:
            deadline = _utc(context.current_utc_datetime) + timedelta(seconds=timeout_seconds)
            timeout_node = decision["timeout_node"]
            waiting |= {"timeout_node": timeout_node, "deadline": deadline.isoformat()}
            context.set_custom_status(custom_status(manifest, node, step, waiting))
            timer = context.create_timer(deadline)
            winner = yield context.task_any([event, timer])
            if winner is timer:  # the state stays as it is; no activity runs
                if timeout_node == COMPLETE:
                    break
                node = timeout_node
                continue
            if not timer.is_completed:
                timer.cancel()
            payload = event.result
        result = yield context.call_activity(
            EVENT_ACTIVITY,
            {**pinned, "event_name": event_name, "payload": payload, "state": state},
            expected_type=dict,
        )
        state = _state_from(result)
        node = resume_node
    context.set_custom_status(custom_status(manifest, node, step, None))
    return {
        "graph": manifest.graph_name,
        "version": manifest.version,
        "hash": manifest.graph_hash,
        "final_node": node,
        "steps": step,
        "path": path,
        "state": state,
    }


def _utc(moment: datetime) -> datetime:
    """The orchestration's time as an aware UTC datetime (hosts send UTC, maybe without a zone)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _state_from(result: Any) -> dict[str, Any]:
    """Fail the run with the activity's own message when it reports an error."""
    if not isinstance(result, Mapping) or "ok" not in result:
        raise GraphRunFailed("InvalidActivityResult", f"unexpected activity result {result!r}")
    if not result["ok"]:
        err = result.get("error") or {}
        raise GraphRunFailed(str(err.get("type", "Error")), str(err.get("message", err)))
    return dict(result["state"])
