"""DTFx-shaped history events, as the Durable extension hands them to the Python SDK.

Events are plain dicts with PascalCase keys; every event carries `EventType`
(an int code), `EventId`, `IsPlayed` and `Timestamp`. Events that complete a
task point at it with `TaskScheduledId` / `TimerId`: the SDK matches them to
its tasks by that sequence number.
"""

from __future__ import annotations

from datetime import datetime, timezone
from enum import IntEnum
from typing import Any

Event = dict[str, Any]

#: Timestamps and timer moments, the format the SDK writes `fireAt` in.
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


class EventType(IntEnum):
    """DTFx EventType codes (the SDK's HistoryEventType)."""

    EXECUTION_STARTED = 0
    EXECUTION_COMPLETED = 1
    EXECUTION_FAILED = 2
    EXECUTION_TERMINATED = 3
    TASK_SCHEDULED = 4
    TASK_COMPLETED = 5
    TASK_FAILED = 6
    SUB_ORCHESTRATION_INSTANCE_CREATED = 7
    SUB_ORCHESTRATION_INSTANCE_COMPLETED = 8
    SUB_ORCHESTRATION_INSTANCE_FAILED = 9
    TIMER_CREATED = 10
    TIMER_FIRED = 11
    ORCHESTRATOR_STARTED = 12
    ORCHESTRATOR_COMPLETED = 13
    EVENT_SENT = 14
    EVENT_RAISED = 15
    CONTINUE_AS_NEW = 16
    GENERIC_EVENT = 17
    HISTORY_STATE = 18
    EXECUTION_SUSPENDED = 19
    EXECUTION_RESUMED = 20


def format_time(moment: datetime) -> str:
    """UTC text with microseconds and a `Z`, e.g. 2025-01-01T00:00:07.000000Z."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    # strftime's %Y does not pad years before 1000 ("884-..."), which ISO 8601 readers refuse
    # and which would sort after "2025-..." in the timers table: pad it to four digits.
    return f"{moment.year:04d}" + moment.strftime(TIMESTAMP_FORMAT.removeprefix("%Y"))


def parse_time(text: str) -> datetime:
    """Read a timestamp written by `format_time` or by the SDK (`fireAt`); naive means UTC."""
    value = text.strip()
    year, dash, rest = value.partition("-")
    if dash and year.isdigit() and len(year) < 4:  # the SDK writes year 884 as "884-..."
        value = f"{int(year):04d}-{rest}"
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(
            f"expected an ISO 8601 timestamp such as 2025-01-01T00:00:07.000000Z, got {text!r}"
        ) from exc
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _event(event_type: EventType, timestamp: datetime, event_id: int = -1, **fields: Any) -> Event:
    return {
        "EventType": int(event_type),
        "EventId": event_id,
        "IsPlayed": False,
        "Timestamp": format_time(timestamp),
        **fields,
    }


def orchestrator_started(at: datetime) -> Event:
    return _event(EventType.ORCHESTRATOR_STARTED, at)


def orchestrator_completed(at: datetime) -> Event:
    return _event(EventType.ORCHESTRATOR_COMPLETED, at)


def execution_started(
    at: datetime,
    *,
    name: str,
    input_json: str | None,
    instance_id: str,
    execution_id: str,
    parent: dict[str, Any] | None = None,
) -> Event:
    return _event(
        EventType.EXECUTION_STARTED,
        at,
        Name=name,
        Input=input_json,
        Version=None,
        OrchestrationInstance={"InstanceId": instance_id, "ExecutionId": execution_id},
        ParentInstance=parent,
    )


def task_scheduled(at: datetime, event_id: int, *, name: str, input_json: str | None) -> Event:
    return _event(EventType.TASK_SCHEDULED, at, event_id, Name=name, Input=input_json)


def task_completed(at: datetime, task_id: int, result: str | None) -> Event:
    return _event(EventType.TASK_COMPLETED, at, TaskScheduledId=task_id, Result=result)


def task_failed(at: datetime, task_id: int, reason: str, details: str | None) -> Event:
    return _event(
        EventType.TASK_FAILED, at, TaskScheduledId=task_id, Reason=reason, Details=details
    )


def sub_orchestration_created(
    at: datetime, event_id: int, *, name: str, instance_id: str, input_json: str | None
) -> Event:
    return _event(
        EventType.SUB_ORCHESTRATION_INSTANCE_CREATED,
        at,
        event_id,
        Name=name,
        InstanceId=instance_id,
        Input=input_json,
    )


def sub_orchestration_completed(at: datetime, task_id: int, result: str | None) -> Event:
    return _event(
        EventType.SUB_ORCHESTRATION_INSTANCE_COMPLETED, at, TaskScheduledId=task_id, Result=result
    )


def sub_orchestration_failed(at: datetime, task_id: int, reason: str, details: str | None) -> Event:
    return _event(
        EventType.SUB_ORCHESTRATION_INSTANCE_FAILED,
        at,
        TaskScheduledId=task_id,
        Reason=reason,
        Details=details,
    )


def timer_created(at: datetime, event_id: int, fire_at: datetime) -> Event:
    return _event(EventType.TIMER_CREATED, at, event_id, FireAt=format_time(fire_at))


def timer_fired(at: datetime, timer_id: int, fire_at: datetime) -> Event:
    return _event(EventType.TIMER_FIRED, at, TimerId=timer_id, FireAt=format_time(fire_at))


def event_sent(
    at: datetime, event_id: int, *, instance_id: str, name: str, input_json: str
) -> Event:
    """A message to an entity; the SDK re-keys a call_entity task by `json.loads(Input)["id"]`."""
    return _event(
        EventType.EVENT_SENT, at, event_id, InstanceId=instance_id, Name=name, Input=input_json
    )


def event_raised(at: datetime, name: str, input_json: str | None) -> Event:
    return _event(EventType.EVENT_RAISED, at, Name=name, Input=input_json)


def continue_as_new(at: datetime, input_json: str | None) -> Event:
    return _event(EventType.CONTINUE_AS_NEW, at, Result=input_json)


def execution_completed(at: datetime, status: str, result: str | None) -> Event:
    """DTFx records failures as ExecutionCompleted with OrchestrationStatus=Failed."""
    return _event(EventType.EXECUTION_COMPLETED, at, OrchestrationStatus=status, Result=result)


def execution_terminated(at: datetime, reason: str) -> Event:
    return _event(EventType.EXECUTION_TERMINATED, at, Input=reason)


def execution_suspended(at: datetime, reason: str | None) -> Event:
    return _event(EventType.EXECUTION_SUSPENDED, at, Reason=reason)


def execution_resumed(at: datetime, reason: str | None) -> Event:
    return _event(EventType.EXECUTION_RESUMED, at, Reason=reason)


_SUMMARY_HIDDEN = {
    EventType.TASK_SCHEDULED,
    EventType.ORCHESTRATOR_STARTED,
    EventType.ORCHESTRATOR_COMPLETED,
    EventType.SUB_ORCHESTRATION_INSTANCE_CREATED,
}


def summarize(events: list[Event], *, show_input: bool, show_output: bool) -> list[dict[str, Any]]:
    """The `historyEvents` of a status query, shaped like the extension's.

    Like the extension, scheduling events are folded into the event that completes them.
    """
    scheduled: dict[int, Event] = {}
    summary: list[dict[str, Any]] = []
    for event in events:
        kind = EventType(event["EventType"])
        if kind in (
            EventType.TASK_SCHEDULED,
            EventType.SUB_ORCHESTRATION_INSTANCE_CREATED,
            EventType.TIMER_CREATED,
        ):
            scheduled[event["EventId"]] = event
        if kind in _SUMMARY_HIDDEN:
            continue
        item: dict[str, Any] = {"EventType": _pascal(kind), "Timestamp": event["Timestamp"]}
        if kind == EventType.EXECUTION_STARTED:
            item["FunctionName"] = event.get("Name")
            if show_input:
                item["Input"] = event.get("Input")
        elif kind in (
            EventType.TASK_COMPLETED,
            EventType.TASK_FAILED,
            EventType.SUB_ORCHESTRATION_INSTANCE_COMPLETED,
            EventType.SUB_ORCHESTRATION_INSTANCE_FAILED,
        ):
            origin = scheduled.get(event["TaskScheduledId"], {})
            item["FunctionName"] = origin.get("Name")
            item["ScheduledTime"] = origin.get("Timestamp")
            if "Result" in event and show_output:
                item["Result"] = event["Result"]
            if "Reason" in event:
                item["Reason"] = event["Reason"]
                item["Details"] = event.get("Details")
        elif kind in (EventType.TIMER_CREATED, EventType.TIMER_FIRED):
            item["FireAt"] = event.get("FireAt")
        elif kind == EventType.EVENT_RAISED:
            item["Name"] = event.get("Name")
            if show_input:
                item["Input"] = event.get("Input")
        elif kind in (EventType.EXECUTION_COMPLETED, EventType.EXECUTION_FAILED):
            item["OrchestrationStatus"] = event.get("OrchestrationStatus")
            if show_output:
                item["Result"] = event.get("Result")
        elif kind == EventType.EXECUTION_TERMINATED:
            item["Input"] = event.get("Input")
        summary.append(item)
    return summary


def _pascal(kind: EventType) -> str:
    return "".join(part.capitalize() for part in kind.name.split("_"))
