"""The part of the Durable SDK the engine uses, typed, so `mypy --strict` checks the engine.

The SDK ships no type information; these Protocols name the members of its
DurableOrchestrationContext and tasks that the orchestrator, the superstep and the
inbox read and call, and nothing more.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any, Protocol


class TaskState(Protocol):
    @property
    def name(self) -> str: ...


class DurableTask(Protocol):
    """A scheduled activity, sub-orchestration, timer, event wait, or task_any/task_all."""

    @property
    def is_completed(self) -> bool: ...

    @property
    def result(self) -> object: ...

    @property
    def state(self) -> TaskState: ...


class TimerTask(DurableTask, Protocol):
    def cancel(self) -> None: ...


class OrchestrationContext(Protocol):
    """The members of the SDK's DurableOrchestrationContext the engine reads and calls."""

    @property
    def instance_id(self) -> str: ...

    @property
    def current_utc_datetime(self) -> datetime: ...

    @property
    def histories(self) -> Sequence[object]: ...

    def get_input(self, expected_type: type | None = ...) -> object: ...

    def call_activity(
        self, name: str, input_: object = ..., expected_type: type | None = ...
    ) -> DurableTask: ...

    def call_sub_orchestrator(
        self,
        name: str,
        input_: object = ...,
        instance_id: str | None = ...,
        expected_type: type | None = ...,
    ) -> DurableTask: ...

    def create_timer(self, fire_at: datetime) -> TimerTask: ...

    def task_any(self, activities: list[DurableTask]) -> DurableTask: ...

    def task_all(self, activities: list[DurableTask]) -> DurableTask: ...

    def wait_for_external_event(
        self, name: str, expected_type: type | None = ...
    ) -> DurableTask: ...

    def set_custom_status(self, status: object) -> None: ...

    def continue_as_new(self, input_: object) -> None: ...

    def signal_entity(
        self, entity_id: Any, operation_name: str, operation_input: object
    ) -> None: ...

    def call_entity(
        self, entity_id: Any, operation_name: str, operation_input: object = ...
    ) -> DurableTask: ...


def utc_now(context: OrchestrationContext) -> datetime:
    """The orchestration's replay-safe time, aware UTC (hosts send UTC, maybe without a zone)."""
    moment = context.current_utc_datetime
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
