"""The body of a run request, checked the way LangGraph's server checks it (422 otherwise)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .errors import invalid

STREAM_MODES = frozenset(
    {
        "values",
        "messages",
        "messages-tuple",
        "updates",
        "events",
        "debug",
        "tasks",
        "checkpoints",
        "custom",
    }
)
MULTITASK_STRATEGIES = ("reject", "interrupt", "rollback", "enqueue")
#: LangGraph's server records this strategy when a request names none.
DEFAULT_MULTITASK = "enqueue"
COMMAND_KEYS = frozenset({"resume", "update", "goto"})
KNOWN_KEYS = frozenset(
    {
        "assistant_id",
        "input",
        "command",
        "config",
        "context",
        "metadata",
        "stream_mode",
        "stream_subgraphs",
        "stream_resumable",
        "interrupt_before",
        "interrupt_after",
        "feedback_keys",
        "webhook",
        "checkpoint",
        "checkpoint_id",
        "checkpoint_during",
        "multitask_strategy",
        "if_not_exists",
        "on_disconnect",
        "on_completion",
        "after_seconds",
        "durability",
        "strict_resume",
        "langsmith_tracer",
        "thread_id",
    }
)


@dataclass(frozen=True)
class RunRequest:
    assistant_id: str
    input: Any
    command: dict[str, Any] | None
    config: dict[str, Any]
    context: dict[str, Any]
    metadata: dict[str, Any]
    stream_mode: list[str]
    multitask_strategy: str
    if_not_exists: str
    checkpoint_id: str | None
    body: dict[str, Any]
    #: LangGraph's breakpoints of this run ("*" or node names; None: the graph's).
    interrupt_before: list[str] | str | None = None
    interrupt_after: list[str] | str | None = None

    def kwargs(self) -> dict[str, Any]:
        """What LangGraph shows as a run's ``kwargs``."""
        return {
            "input": self.body.get("input"),
            "command": self.command,
            "config": self.config,
            "context": self.context,
            "stream_mode": self.stream_mode,
            "interrupt_before": self.body.get("interrupt_before"),
            "interrupt_after": self.body.get("interrupt_after"),
            "webhook": None,
            "feedback_keys": self.body.get("feedback_keys"),
            "temporary": False,
            "subgraphs": bool(self.body.get("stream_subgraphs")),
            "resumable": bool(self.body.get("stream_resumable")),
        }


def _object(body: dict[str, Any], key: str) -> dict[str, Any]:
    value = body.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid(f"{key} must be an object")
    return value


def _breakpoints(body: dict[str, Any], key: str, schema: str) -> list[str] | str | None:
    """``"*"`` or a list of strings, as LangGraph's schema takes them (its 422 otherwise).
    Names of no node are accepted and never pause, as LangGraph's server does."""
    if key not in body:
        return None
    value = body[key]
    if value == "*" or (isinstance(value, list) and all(isinstance(n, str) for n in value)):
        return value or None
    shown = json.dumps(value)
    raise invalid(
        f"{shown} is not valid under any of the schemas listed in the 'anyOf' keyword\n\n"
        f'Failed validating "anyOf" in schema["components"]["schemas"]["{schema}"]'
        f'["properties"]["{key}"]\n\nOn instance["{key}"]:\n    {shown}'
    )


def parse_run_request(body: dict[str, Any], *, stateful: bool = True) -> RunRequest:
    unknown = sorted(set(body) - KNOWN_KEYS)
    if unknown:
        raise invalid(f"Unknown fields in run request: {', '.join(unknown)}")
    assistant_id = body.get("assistant_id")
    if not isinstance(assistant_id, str) or not assistant_id:
        raise invalid("assistant_id is required")
    modes = body.get("stream_mode", "values")
    modes = [modes] if isinstance(modes, str) else modes
    if not isinstance(modes, list) or not all(isinstance(m, str) for m in modes):
        raise invalid("stream_mode must be a string or a list of strings")
    bad = [m for m in modes if m not in STREAM_MODES]
    if bad:
        raise invalid(
            f"Invalid stream_mode {bad[0]!r}: must be one of {', '.join(sorted(STREAM_MODES))}"
        )
    strategy = body.get("multitask_strategy") or DEFAULT_MULTITASK
    if strategy not in MULTITASK_STRATEGIES:
        raise invalid(f"multitask_strategy must be one of {', '.join(MULTITASK_STRATEGIES)}")
    if_not_exists = body.get("if_not_exists") or "reject"
    if if_not_exists not in ("reject", "create"):
        raise invalid("if_not_exists must be 'reject' or 'create'")
    command = body.get("command")
    if command is not None and (
        not isinstance(command, dict) or not command or set(command) - COMMAND_KEYS
    ):
        raise invalid("command must be an object with resume, update and/or goto")
    schema = "RunCreateStateful" if stateful else "RunCreateStateless"
    before = _breakpoints(body, "interrupt_before", schema)
    after = _breakpoints(body, "interrupt_after", schema)
    checkpoint_id = body.get("checkpoint_id")
    checkpoint = body.get("checkpoint")
    if checkpoint_id is None and isinstance(checkpoint, dict):
        checkpoint_id = checkpoint.get("checkpoint_id")
    return RunRequest(
        assistant_id,
        # A command replaces the input, as in LangGraph (Agent Chat UI resumes with `{}`).
        None if command is not None else body.get("input"),
        command,
        _object(body, "config"),
        _object(body, "context"),
        _object(body, "metadata"),
        list(modes),
        strategy,
        if_not_exists,
        str(checkpoint_id) if checkpoint_id else None,
        body,
        before,
        after,
    )
