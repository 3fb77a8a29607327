"""The rows the local host's store hands out, as plain dataclasses (store.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class InstanceRecord:
    """One orchestration instance. Times are `history.format_time` text, so they sort as strings."""

    instance_id: str
    name: str
    execution_id: str
    status: str
    input: str | None
    created_at: str
    updated_at: str
    output: str | None = None
    custom_status: str | None = None
    parent_instance_id: str | None = None
    parent_execution_id: str | None = None
    parent_task_id: int | None = None
    state: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Message:
    """An inbox message; `execution_id` None means "whatever execution is current"."""

    id: int
    instance_id: str
    execution_id: str | None
    body: dict[str, Any]


@dataclass(frozen=True)
class WorkItem:
    """An activity to run for an instance."""

    id: int
    instance_id: str
    execution_id: str
    task_id: int
    name: str
    input: str | None


@dataclass(frozen=True)
class PendingTimer:
    """A durable timer waiting for its moment."""

    id: int
    instance_id: str
    execution_id: str
    timer_id: int
    fire_at: str


@dataclass(frozen=True)
class EntityOperation:
    """An operation queued for an entity (`@name@key`); calls carry who waits for the answer."""

    id: int
    entity_id: str
    operation: str
    input: str | None
    is_signal: bool
    caller_instance_id: str | None = None
    caller_execution_id: str | None = None
    request_id: str | None = None
