"""Errors of the local Durable host.

DurableGraphError
 +-- LocalHostError
      +-- OrchestratorNotFound   (also LookupError)
      +-- InstanceNotFound       (also LookupError)
      +-- InstanceAlreadyExists
      +-- InstanceNotRunning
      +-- NonDeterminismError
      +-- OrchestratorProtocolError  (the SDK handle returned something unreadable)
"""

from __future__ import annotations

from azure_functions_durable_graph.errors import DurableGraphError


class LocalHostError(DurableGraphError):
    """Root of the errors raised by the local host."""


class OrchestratorNotFound(LocalHostError, LookupError):
    """No orchestrator function with this name is registered in the app."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        listed = ", ".join(sorted(known)) or "none"
        super().__init__(
            f"orchestrator function {name!r} is not registered (registered orchestrators: {listed})"
        )


class InstanceNotFound(LocalHostError, LookupError):
    """No orchestration instance has this id."""

    def __init__(self, instance_id: str) -> None:
        self.instance_id = instance_id
        super().__init__(f"no orchestration instance with id {instance_id!r}")


class InstanceAlreadyExists(LocalHostError):
    """An instance with this id is still Pending or Running, so it cannot be replaced."""

    def __init__(self, instance_id: str, status: str) -> None:
        self.instance_id = instance_id
        self.status = status
        super().__init__(
            f"an orchestration instance with id {instance_id!r} already exists and is {status}; "
            "only Completed, Failed or Terminated instances can be replaced"
        )


class InstanceNotRunning(LocalHostError):
    """The instance has finished, so it no longer accepts events or termination."""

    def __init__(self, instance_id: str, status: str) -> None:
        self.instance_id = instance_id
        self.status = status
        super().__init__(f"orchestration instance {instance_id!r} is {status}, not running")


class NonDeterminismError(LocalHostError):
    """An episode scheduled different work than its history recorded at the same position."""

    def __init__(self, instance_id: str, position: int, expected: str, found: str) -> None:
        self.instance_id = instance_id
        self.position = position
        self.expected = expected
        self.found = found
        super().__init__(
            f"Non-deterministic workflow detected in instance {instance_id!r}: action #{position} "
            f"was {expected} in the history but the orchestrator now scheduled {found}"
        )


class OrchestratorProtocolError(LocalHostError):
    """The orchestrator handle returned a state the host cannot read."""
