"""Read the `OrchestratorState` an SDK handle returns (schema v2) into flat, typed actions.

With replay schema v2 and later (`schemaVersion` 1 or 2 on the wire) the state
lists every action since the execution began,
append-only, with `task_all` / `task_any` as compound actions. Flattening
them depth-first gives the atomic actions in the order the SDK numbered them,
which is the order the host must hand out event ids in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from typing import Any

from .errors import OrchestratorProtocolError
from .history import parse_time
from .store.replay_cache import StatePrefixes

#: The marker the SDK puts between an orchestrator's error message and its state.
OUT_OF_PROC_MARKER = "\n\n$OutOfProcData$:"


class ActionType(IntEnum):
    """The SDK's ActionType codes."""

    CALL_ACTIVITY = 0
    CALL_ACTIVITY_WITH_RETRY = 1
    CALL_SUB_ORCHESTRATOR = 2
    CALL_SUB_ORCHESTRATOR_WITH_RETRY = 3
    CONTINUE_AS_NEW = 4
    CREATE_TIMER = 5
    WAIT_FOR_EXTERNAL_EVENT = 6
    CALL_ENTITY = 7
    CALL_HTTP = 8
    SIGNAL_ENTITY = 9
    WHEN_ANY = 11
    WHEN_ALL = 12


#: Per instance, the actions parsed from the start of the last state text (see StatePrefixes).
PREFIXES: StatePrefixes[Action]

#: Atomic actions that take no sequence number (the SDK matches events by name).
_UNNUMBERED = {ActionType.WAIT_FOR_EXTERNAL_EVENT}


@dataclass(frozen=True)
class RetryOptions:
    """The SDK's `RetryOptions` as a `*_with_retry` action sends them: only these two fields
    exist on the wire."""

    first_retry_interval_ms: int
    max_attempts: int


@dataclass(frozen=True)
class Action:
    """One atomic action, flattened out of any compound action."""

    type: ActionType
    name: str | None = None
    input_json: str | None = None
    instance_id: str | None = None
    fire_at: datetime | None = None
    canceled: bool = False
    retry: RetryOptions | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def numbered(self) -> bool:
        """Whether the SDK gave this action a sequence number."""
        return self.type not in _UNNUMBERED

    def describe(self) -> str:
        """How the action appears in error messages, e.g. CallActivity 'say_hello'."""
        label = "".join(p.capitalize() for p in self.type.name.split("_"))
        return f"{label} {self.name!r}" if self.name is not None else label

    def signature(self) -> dict[str, Any]:
        """What must stay the same at this position on every replay."""
        return {"type": int(self.type), "name": self.name}


@dataclass(frozen=True)
class OrchestratorState:
    """The parsed state of one episode."""

    is_done: bool
    actions: list[Action]
    output_json: str | None
    custom_status: Any
    error: str | None = None


def parse_state(text: str, *, key: str | None = None) -> OrchestratorState:
    """Parse the JSON text the handle returned (or the part after the `$OutOfProcData$` marker).

    With a `key` (the instance id), the actions parsed from the text the same
    key had last time are reused when the new text starts with exactly those
    characters (see `StatePrefixes`); the result is the same either way.
    """
    parsed = PREFIXES.parse(text, key) if key is not None else None
    if parsed is None:
        data, flat = _parse_whole(text), None
    else:
        data, flat = parsed
    schema = data.get("schemaVersion", 0)
    if not isinstance(schema, int) or schema < 1:
        raise OrchestratorProtocolError(
            "expected an OrchestratorState with schemaVersion >= 1 (one append-only action "
            "list; the host "
            f"offers upperSchemaVersionNew=2), got schemaVersion {schema!r}"
        )
    if flat is None:
        flat = _flatten_groups(data["actions"])
    output = data.get("output")
    return OrchestratorState(
        is_done=bool(data.get("isDone", False)),
        actions=flat,
        output_json=None if output is None else json.dumps(output),
        custom_status=data.get("customStatus"),
        error=data.get("error"),
    )


def _parse_whole(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise OrchestratorProtocolError(
            f"orchestrator returned text that is not JSON: {text[:200]!r}"
        ) from exc
    if not isinstance(data, dict) or "actions" not in data:
        raise OrchestratorProtocolError(
            f"expected an OrchestratorState object with 'isDone' and 'actions', got {text[:200]!r}"
        )
    return data


def _flatten_groups(groups: Any) -> list[Action]:
    if (
        not isinstance(groups, list)
        or len(groups) > 1
        or any(not isinstance(g, list) for g in groups)
    ):
        raise OrchestratorProtocolError(
            f"expected schema v2 'actions' as one list inside a list, got {groups!r:.200}"
        )
    flat: list[Action] = []
    for raw in groups[0] if groups else []:
        _flatten(raw, flat)
    return flat


def split_failure(message: str, *, key: str | None = None) -> tuple[str, OrchestratorState | None]:
    """Split the message of the exception a handle raised into the user's message and the state."""
    head, marker, tail = message.partition(OUT_OF_PROC_MARKER)
    if not marker:
        return message, None
    return head, parse_state(tail, key=key)


def _flatten(raw: Any, into: list[Action]) -> None:
    if not isinstance(raw, dict) or "actionType" not in raw:
        raise OrchestratorProtocolError(
            f"expected an action object with 'actionType', got {raw!r:.200}"
        )
    try:
        kind = ActionType(raw["actionType"])
    except ValueError as exc:
        raise OrchestratorProtocolError(
            f"unknown actionType {raw['actionType']!r} in {raw!r:.200}"
        ) from exc
    if kind in (ActionType.WHEN_ALL, ActionType.WHEN_ANY):
        for child in raw.get("compoundActions") or []:
            _flatten(child, into)
        return
    into.append(_atomic(kind, raw))


def _atomic(kind: ActionType, raw: dict[str, Any]) -> Action:
    retry = None
    if kind in (ActionType.CALL_ACTIVITY_WITH_RETRY, ActionType.CALL_SUB_ORCHESTRATOR_WITH_RETRY):
        options = raw.get("retryOptions") or {}
        try:
            retry = RetryOptions(
                int(options["firstRetryIntervalInMilliseconds"]),
                int(options["maxNumberOfAttempts"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise OrchestratorProtocolError(
                "expected retryOptions with firstRetryIntervalInMilliseconds and "
                "maxNumberOfAttempts, "
                f"got {options!r}"
            ) from exc
    name = raw.get("functionName")
    if kind == ActionType.WAIT_FOR_EXTERNAL_EVENT:
        name = raw.get("externalEventName")
    elif kind in (ActionType.CALL_ENTITY, ActionType.SIGNAL_ENTITY):
        name = f"{raw.get('instanceId')}:{raw.get('operation')}"
    fire_at = parse_time(raw["fireAt"]) if kind == ActionType.CREATE_TIMER else None
    return Action(
        type=kind,
        name=name,
        input_json=raw.get("input"),
        instance_id=raw.get("instanceId"),
        fire_at=fire_at,
        canceled=bool(raw.get("isCanceled", False)),
        retry=retry,
        raw=raw,
    )


PREFIXES = StatePrefixes(_flatten)
