"""The one boundary where the Durable SDK's encodings meet the graph runtime.

The Durable client JSON-encodes some values twice (start input, raised
events), while hosts hand others over decoded; every "maybe JSON text" value
goes through `decode_json_text` here, and every envelope the API puts around
events and resumes is built and recognised here.
"""

from __future__ import annotations

import json
from typing import Any

#: Events sent through the HTTP API are wrapped so a JSON string payload is not
#: mistaken for the double-encoded JSON text the Durable client produces.
EVENT_ENVELOPE_KEY = "durable_graph_event"
#: A resume of interrupts: ``{RESUME_ENVELOPE_KEY: {interrupt_id: value}}``.
RESUME_ENVELOPE_KEY = "durable_graph_resume"


def decode_json_text(value: Any) -> Any:
    """`value` decoded when it is JSON text, else as it is."""
    if isinstance(value, (str, bytes)):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def wrap_event_payload(event_name: str, payload: Any) -> dict[str, Any]:
    return {EVENT_ENVELOPE_KEY: event_name, "payload": payload}


def wrap_resume(answers: dict[str, Any]) -> dict[str, Any]:
    return {RESUME_ENVELOPE_KEY: answers}
