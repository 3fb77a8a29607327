"""Run one durable entity operation through the SDK's entity handle.

The extension sends the entity function a request with the entity's id, its
state (JSON text) and a batch of operations whose inputs are JSON text of
JSON text; the SDK answers with the new state and one result per operation.
The engine sends batches of one operation, one entity at a time.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import OrchestratorProtocolError


@dataclass(frozen=True)
class EntityOutcome:
    """The entity after one operation, and the operation's result (JSON text)."""

    exists: bool
    state: str | None
    result: str | None
    is_error: bool


def entity_id(name: str, key: str) -> str:
    """The scheduler id the SDK uses for an entity: `@name@key`, name lower-cased."""
    return f"@{name.lower()}@{key}"


def split_entity_id(scheduler_id: str) -> tuple[str, str]:
    """`@counter@k1` -> ("counter", "k1")."""
    name, sep, key = scheduler_id[1:].partition("@")
    if not scheduler_id.startswith("@") or not sep:
        raise ValueError(f"expected an entity id like '@counter@k1', got {scheduler_id!r}")
    return name, key


def run_operation(
    handle: Callable[[str], str],
    scheduler_id: str,
    *,
    exists: bool,
    state: str | None,
    operation: str,
    input_json: str | None,
    is_signal: bool,
) -> EntityOutcome:
    name, key = split_entity_id(scheduler_id)
    request = {
        "self": {"name": name, "key": key},
        "exists": exists,
        "state": state,
        "batch": [
            {"name": operation, "input": json.dumps(input_json or "null"), "isSignal": is_signal}
        ],
    }
    answer = handle(json.dumps(request))
    try:
        body: dict[str, Any] = json.loads(answer)
        result = body["results"][0]
    except (TypeError, ValueError, KeyError, IndexError) as exc:
        raise OrchestratorProtocolError(
            "expected the entity handle to answer with entityExists, entityState and one result, "
            f"got {answer!r:.200}"
        ) from exc
    exists_after = bool(body.get("entityExists"))
    return EntityOutcome(
        exists=exists_after,
        state=body.get("entityState") if exists_after else None,
        result=result.get("result"),
        is_error=bool(result.get("isError")),
    )


def response_input(outcome: EntityOutcome) -> str:
    """The EventRaised Input a `call_entity` caller gets (the SDK reads a ResponseMessage)."""
    message: dict[str, Any] = {"result": outcome.result if outcome.result is not None else "null"}
    if outcome.is_error:
        message["exceptionType"] = "System.Exception"
    return json.dumps(message)
