"""Drive a registered orchestrator handle through the real Durable SDK replay.

Builds DTFx-shaped histories (docs: /work/shared/durable-protocol.md section 2)
episode by episode, the way the Durable extension would: the handle gets the
whole history each time and returns every action since the run began. Activity
results come from running the app's real activity functions, so nothing here is
a canned result.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import azure.functions as func

ORCHESTRATOR_STARTED = 12
ORCHESTRATOR_COMPLETED = 13
EXECUTION_STARTED = 0
TASK_SCHEDULED = 4
TASK_COMPLETED = 5
TASK_FAILED = 6
TIMER_CREATED = 10
TIMER_FIRED = 11
EVENT_RAISED = 15

CALL_ACTIVITY = 0
CREATE_TIMER = 5
WAIT_FOR_EXTERNAL_EVENT = 6
WHEN_ANY = 11

OUT_OF_PROC_MARKER = "\n\n$OutOfProcData$:"


def functions_by_name(app: func.FunctionRegister) -> dict[str, Any]:
    """The user function of every registered function (orchestrator: the SDK handle)."""
    return {f.get_function_name(): f.get_user_function() for f in app.get_functions()}


@dataclass
class Episode:
    """What one call of the orchestrator handle returned."""

    actions: list[dict[str, Any]]  # every action since the run began
    new_actions: list[dict[str, Any]]  # the ones this episode added
    is_done: bool
    output: Any
    custom_status: Any
    error: str | None  # the orchestrator's exception message, when it failed


@dataclass
class Replay:
    """One orchestration instance whose history we grow episode by episode."""

    handle: Any
    orchestrator_name: str
    input: Any
    instance_id: str = "instance-1"
    history: list[dict[str, Any]] = field(default_factory=list)
    episodes: list[Episode] = field(default_factory=list)
    _clock: datetime = field(default_factory=lambda: datetime(2026, 1, 1, tzinfo=timezone.utc))
    _next_event_id: int = 0
    _actions_seen: int = 0

    def __post_init__(self) -> None:
        self._input_text = json.dumps(self.input)
        self._append(ORCHESTRATOR_STARTED)
        self._append(
            EXECUTION_STARTED,
            Name=self.orchestrator_name,
            Input=self._input_text,
            Version=None,
        )

    # -- history events -----------------------------------------------------------------

    def _timestamp(self) -> str:
        self._clock += timedelta(seconds=1)
        return self._clock.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def _append(self, event_type: int, event_id: int = -1, **fields: Any) -> None:
        self.history.append(
            {
                "EventType": event_type,
                "EventId": event_id,
                "IsPlayed": False,
                "Timestamp": self._timestamp(),
                **fields,
            }
        )

    def _new_episode_boundary(self) -> None:
        """Close the previous episode and open a new one, as the extension does."""
        for event in self.history:
            event["IsPlayed"] = True
        self._append(ORCHESTRATOR_COMPLETED)
        self._append(ORCHESTRATOR_STARTED)

    def schedule_and_complete(self, action: dict[str, Any], result_text: str) -> None:
        """Record a CallActivity action as scheduled and its result as completed."""
        task_id = self._next_event_id
        self._next_event_id += 1
        self._append(
            TASK_SCHEDULED, event_id=task_id, Name=action["functionName"], Input=action["input"]
        )
        self._new_episode_boundary()
        self._append(TASK_COMPLETED, TaskScheduledId=task_id, Result=result_text)

    def schedule_and_fail(self, action: dict[str, Any], reason: str, details: str) -> None:
        task_id = self._next_event_id
        self._next_event_id += 1
        self._append(
            TASK_SCHEDULED, event_id=task_id, Name=action["functionName"], Input=action["input"]
        )
        self._new_episode_boundary()
        self._append(TASK_FAILED, TaskScheduledId=task_id, Reason=reason, Details=details)

    def raise_event(self, name: str, input_text: str, *, new_episode: bool = True) -> None:
        """An EventRaised, normally in a new episode; `input_text` is the JSON text the host
        stores. `new_episode=False` puts it in the same batch as the previous event."""
        if new_episode:
            self._new_episode_boundary()
        self._append(EVENT_RAISED, Name=name, Input=input_text)

    def create_timer(self, action: dict[str, Any]) -> int:
        """Record a CreateTimer action as TimerCreated in the episode that made it; its id."""
        timer_id = self._next_event_id
        self._next_event_id += 1
        self._append(TIMER_CREATED, event_id=timer_id, FireAt=action["fireAt"])
        return timer_id

    def fire_timer(self, timer_id: int, fire_at: str) -> None:
        """A TimerFired in a new episode that starts at `fire_at`, as the extension does."""
        self._clock = datetime.strptime(fire_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
            tzinfo=timezone.utc
        ) - timedelta(seconds=2)  # the boundary's two events land on fire_at
        self._new_episode_boundary()
        self._append(TIMER_FIRED, TimerId=timer_id, FireAt=fire_at)

    def episode_started_at(self) -> datetime:
        """`current_utc_datetime` of the latest episode: its OrchestratorStarted Timestamp."""
        started = [e for e in self.history if e["EventType"] == ORCHESTRATOR_STARTED][-1]
        return datetime.strptime(started["Timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
            tzinfo=timezone.utc
        )

    # -- running ------------------------------------------------------------------------

    def run_episode(self) -> Episode:
        context = json.dumps(
            {
                "history": self.history,
                "input": self._input_text,
                "instanceId": self.instance_id,
                "isReplaying": False,
                "parentInstanceId": None,
                "upperSchemaVersion": 1,
                "upperSchemaVersionNew": 2,
            }
        )
        error = None
        try:
            state = json.loads(self.handle(context))
        except Exception as exc:  # the SDK's failure form: message + marker + state
            message, marker, state_text = str(exc).partition(OUT_OF_PROC_MARKER)
            assert marker, f"orchestrator handle raised without the SDK marker: {exc!r}"
            error = message
            state = json.loads(state_text)
        raw_actions = state.get("actions") or [[]]
        assert len(raw_actions) == 1, f"schema v2 keeps every action in one list: {raw_actions}"
        actions = raw_actions[0]
        episode = Episode(
            actions=actions,
            new_actions=actions[self._actions_seen :],
            is_done=bool(state.get("isDone")),
            output=state.get("output"),
            custom_status=state.get("customStatus"),
            error=error,
        )
        self._actions_seen = len(actions)
        self.episodes.append(episode)
        return episode


def run_activity(functions: dict[str, Any], action: dict[str, Any]) -> str:
    """Run the app's real activity function for a CallActivity action; return its result text."""
    activity = functions[action["functionName"]]
    result = asyncio.run(activity(json.loads(action["input"])))
    return json.dumps(result)


def run_until_blocked(replay: Replay, functions: dict[str, Any]) -> Episode:
    """Episodes until the run is done, failed, or waits for an event; activities run for real."""
    while True:
        episode = replay.run_episode()
        if episode.is_done or episode.error is not None:
            return episode
        calls = [a for a in episode.new_actions if a["actionType"] == CALL_ACTIVITY]
        if not calls:
            return episode
        assert len(calls) == 1, f"expected one activity per episode, got {calls}"
        replay.schedule_and_complete(calls[0], run_activity(functions, calls[0]))


def scheduled_tasks(replay: Replay) -> list[dict[str, Any]]:
    return [e for e in replay.history if e["EventType"] == TASK_SCHEDULED]
