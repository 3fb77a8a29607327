"""How engine 1 unwraps an event's payload (the API's envelope, or the client's JSON text)."""

from __future__ import annotations

from typing import Any

from ...durable.wire import EVENT_ENVELOPE_KEY, decode_json_text


def unwrap_event_payload(raw: Any) -> Any:
    """The payload a user raised, whichever way it reached the orchestrator (0.1.0 runs).

    `DurableOrchestrationClient.raise_event` JSON-encodes its data twice, so
    events usually arrive as JSON text; events posted raw to the Durable HTTP
    API arrive decoded.
    """
    value = decode_json_text(raw) if isinstance(raw, str) else raw
    if isinstance(value, dict) and set(value) == {EVENT_ENVELOPE_KEY, "payload"}:
        return value["payload"]
    return value
