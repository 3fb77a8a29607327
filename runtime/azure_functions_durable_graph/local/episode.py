"""Run one orchestrator episode through the SDK handle and check it against its history.

The handle gets the episode JSON (history, input, instance id) and answers
with an OrchestratorState; when the user's code raised, it raises an
Exception whose message carries the state after a `$OutOfProcData$` marker.
Either way the engine gets back every action since the execution began; the
first ones must match what earlier episodes scheduled, position by position.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .actions import Action, ActionType, OrchestratorState, parse_state, split_failure
from .errors import NonDeterminismError, OrchestratorProtocolError
from .history import Event, EventType

#: ReplaySchema values the host offers: the SDK then sends one append-only action list.
UPPER_SCHEMA_VERSION = 1
UPPER_SCHEMA_VERSION_NEW = 2


@dataclass(frozen=True)
class EpisodeOutcome:
    """What one episode produced: its state and, when the orchestrator raised, the error message."""

    state: OrchestratorState
    error: str | None = None


def episode_payload(
    *,
    instance_id: str,
    input_json: str | None,
    parent_instance_id: str | None,
    history: list[Event],
    played: Sequence[str] = (),
) -> str:
    """The JSON text the extension passes to an orchestrator function.

    `played` is the JSON text of earlier events, already marked played, that
    come before `history`: the host keeps it encoded (replay_cache.py) so a
    long history is not encoded again at every step.
    """
    replaying = bool(played) or any(e.get("IsPlayed") for e in history)
    body: dict[str, Any] = {
        "input": input_json,
        "instanceId": instance_id,
        "isReplaying": replaying,
        "parentInstanceId": parent_instance_id,
        "upperSchemaVersion": UPPER_SCHEMA_VERSION,
        "upperSchemaVersionNew": UPPER_SCHEMA_VERSION_NEW,
    }
    events = ", ".join([*played, *(json.dumps(e) for e in history)])
    return f'{{"history": [{events}], {json.dumps(body)[1:]}'


def run_episode(
    handle: Callable[[str], str], payload: str, *, instance_id: str | None = None
) -> EpisodeOutcome:
    """Call the handle; turn both its answer and its `$OutOfProcData$` failure into an outcome.

    With `instance_id`, the actions parsed from the instance's previous answer
    are reused for the same leading text (actions.parse_state).
    """
    try:
        answer = handle(payload)
    except Exception as exc:  # the SDK's way of reporting an orchestrator failure
        message, state = split_failure(str(exc), key=instance_id)
        if state is None:
            # Raised outside the SDK's executor (e.g. a bad payload): nothing was scheduled.
            state = OrchestratorState(
                is_done=False, actions=[], output_json=None, custom_status=None
            )
            message = f"{type(exc).__name__}: {exc}" if not str(exc) else str(exc)
        return EpisodeOutcome(state=state, error=message)
    if not isinstance(answer, str):
        raise OrchestratorProtocolError(
            "expected the orchestrator handle to return OrchestratorState JSON text, "
            f"got {type(answer).__name__}"
        )
    return EpisodeOutcome(state=parse_state(answer, key=instance_id))


def check_determinism(
    instance_id: str,
    recorded: list[dict[str, Any]],
    actions: list[Action],
    *,
    complete: bool = True,
) -> None:
    """Raise NonDeterminismError when the replayed actions differ from what was scheduled before.

    `recorded` holds the `Action.signature()` of every action earlier episodes
    scheduled, in order; the new episode must start with the same ones. When
    the orchestrator raised (`complete=False`) it may legitimately stop early.
    """
    for position, (expected, found) in enumerate(zip(recorded, actions, strict=False)):
        if found.type != expected["type"] or found.name != expected.get("name"):
            raise NonDeterminismError(instance_id, position, _describe(expected), found.describe())
    if complete and len(actions) < len(recorded):
        position = len(actions)
        raise NonDeterminismError(
            instance_id, position, _describe(recorded[position]), "no action at this position"
        )


_SCHEDULING_EVENTS = {
    EventType.TASK_SCHEDULED: "TaskScheduled",
    EventType.SUB_ORCHESTRATION_INSTANCE_CREATED: "SubOrchestrationInstanceCreated",
    EventType.TIMER_CREATED: "TimerCreated",
}
_ACTION_EVENT = {
    ActionType.CALL_ACTIVITY: EventType.TASK_SCHEDULED,
    ActionType.CALL_ACTIVITY_WITH_RETRY: EventType.TASK_SCHEDULED,
    ActionType.CALL_SUB_ORCHESTRATOR: EventType.SUB_ORCHESTRATION_INSTANCE_CREATED,
    ActionType.CALL_SUB_ORCHESTRATOR_WITH_RETRY: EventType.SUB_ORCHESTRATION_INSTANCE_CREATED,
    ActionType.CREATE_TIMER: EventType.TIMER_CREATED,
}


def replay_history(
    handle: Callable[[str], str], history: list[Event], *, instance_id: str = "replay"
) -> EpisodeOutcome:
    """Replay a recorded history (e.g. from `Engine.history`); check the code still matches it.

    The orchestrator must schedule the same activities, sub-orchestrations and
    timers, in the same order, as the history's scheduling events (retry
    timers and re-attempts the host added by itself are skipped). Raises
    NonDeterminismError at the first difference.
    """
    started = next((e for e in history if e.get("EventType") == EventType.EXECUTION_STARTED), None)
    if started is None:
        raise ValueError(
            "a recorded history needs an ExecutionStarted event (EventType 0); none was found"
        )
    payload = episode_payload(
        instance_id=instance_id,
        input_json=started.get("Input"),
        parent_instance_id=None,
        history=[{**e, "IsPlayed": True} for e in history],
    )
    outcome = run_episode(handle, payload)
    recorded = sorted(
        (
            e
            for e in history
            if e.get("EventType") in _SCHEDULING_EVENTS and e.get("RetryOf") is None
        ),
        key=lambda e: int(e["EventId"]),
    )
    scheduled = [a for a in outcome.state.actions if a.type in _ACTION_EVENT]
    for position, event in enumerate(recorded):
        kind = EventType(event["EventType"])
        expected = (
            f"{_SCHEDULING_EVENTS[kind]} {event['Name']!r}"
            if event.get("Name")
            else _SCHEDULING_EVENTS[kind]
        )
        if position >= len(scheduled):
            if outcome.error is not None:
                break
            raise NonDeterminismError(instance_id, position, expected, "no action at this position")
        action = scheduled[position]
        name_differs = kind != EventType.TIMER_CREATED and action.name != event.get("Name")
        if _ACTION_EVENT[action.type] != kind or name_differs:
            raise NonDeterminismError(instance_id, position, expected, action.describe())
    return outcome


def _describe(signature: dict[str, Any]) -> str:
    kind = ActionType(signature["type"])
    label = "".join(p.capitalize() for p in kind.name.split("_"))
    name = signature.get("name")
    return f"{label} {name!r}" if name is not None else label
