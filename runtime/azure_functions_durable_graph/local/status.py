"""The status body of an instance, exactly what the SDK's DurableOrchestrationStatus reads."""

from __future__ import annotations

import json
from typing import Any

from .history import parse_time
from .store.records import InstanceRecord

#: The extension's status time format (second precision, UTC).
STATUS_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def status_body(record: InstanceRecord, *, show_input: bool) -> dict[str, Any]:
    """`input`, `customStatus` and `output` are JSON values (the stored JSON text, decoded)."""
    return {
        "name": record.name,
        "instanceId": record.instance_id,
        "runtimeStatus": record.status,
        "input": _decode(record.input) if show_input else None,
        "customStatus": _decode(record.custom_status),
        "output": _decode(record.output),
        "createdTime": parse_time(record.created_at).strftime(STATUS_TIME_FORMAT),
        "lastUpdatedTime": parse_time(record.updated_at).strftime(STATUS_TIME_FORMAT),
    }


def _decode(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text
