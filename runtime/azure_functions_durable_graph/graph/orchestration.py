"""The one orchestrator every graph runs on.

Deterministic by construction: it reads only the manifest and its input, sets
custom status, calls activities, waits for events (racing a durable timer when
the wait has a timeout) and decides termination from activity outputs. No user
code, no wall clock (deadlines come from `context.current_utc_datetime`), no
I/O, no randomness, so replay always takes the same path.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from ..errors import GraphRunFailed, StepLimitExceeded
from .manifest import GraphManifest
from .registry import GraphRegistry
from .routing import COMPLETE

# Prefixed so they cannot collide with the user's own functions in the same app.
ORCHESTRATOR_NAME = "durable_graph_orchestrator"
NODE_ACTIVITY = "durable_graph_run_node"
EVENT_ACTIVITY = "durable_graph_apply_event"

Orchestrator = Callable[[Any], Generator[Any, Any, dict[str, Any]]]


@dataclass(frozen=True)
class RunInput:
    """What a run pins: ``{"graph_name", "graph_hash", "state"}``."""

    graph_name: str
    graph_hash: str
    state: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"graph_name": self.graph_name, "graph_hash": self.graph_hash, "state": self.state}

    @classmethod
    def parse(cls, value: Any) -> RunInput:
        if isinstance(value, str):  # some clients hand the input over as JSON text
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        if (
            not isinstance(value, Mapping)
            or not isinstance(value.get("graph_name"), str)
            or not isinstance(value.get("graph_hash"), str)
            or not isinstance(value.get("state"), Mapping)
        ):
            raise GraphRunFailed(
                "InvalidRunInput",
                'a graph run\'s input must be {"graph_name": str, "graph_hash": str, '
                f'"state": object}}; got {value!r}',
            )
        return cls(value["graph_name"], value["graph_hash"], dict(value["state"]))


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


def make_orchestrator(registry: GraphRegistry) -> Orchestrator:
    """The generator function registered as the orchestration trigger."""

    def orchestrator(context: Any) -> Generator[Any, Any, dict[str, Any]]:
        run = RunInput.parse(context.get_input(expected_type=dict))
        manifest = registry.get(run.graph_name, run.graph_hash).manifest
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

    return orchestrator


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
