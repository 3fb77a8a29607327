"""Keep a run's custom status under Azure's 16 KB, however wide the run is.

Azure Durable Functions refuses a custom status over 16 KB, and a superstep of
2,000 `Send`s or hundreds of subgraph children would list each of them. So
every list in the status is bounded: at most `SHOWN` items each, with
``"counts"`` (how many there really are) and ``"truncated": true`` when any was
cut; when that is still too large, interrupt values are elided (their id and node
stay, so they can still be answered), rejections dropped, and the lists halved
until it fits. A status that is small already is published unchanged.
"""

from __future__ import annotations

import json
from typing import Any, cast

from .protocol import CustomStatus

#: Azure Durable Functions refuses a custom status over 16 KB; stay under it.
STATUS_LIMIT = 15_000
#: The lists of the status that grow with the run's width, and how many items each shows.
LISTS = ("active", "interrupts", "children", "pending_events")
SHOWN = 50
#: A retry's last error message is cut to this many characters.
MESSAGE_LIMIT = 1_000


def _size(status: dict[str, Any]) -> int:
    return len(json.dumps(status, default=str))


def bounded_status(published: CustomStatus) -> CustomStatus:
    """The status, bounded as the module docstring says."""
    status: dict[str, Any] = dict(published)
    counts = {name: len(status.get(name) or []) for name in LISTS}
    # Measured only when something in it can be large: most publishes skip the JSON dump.
    sized = any(status.get(name) for name in ("interrupts", "rejected", "retry", "children"))
    if max(counts.values()) <= SHOWN and (not sized or _size(status) <= STATUS_LIMIT):
        return published
    status = {**status, "retry": _short_retry(status.get("retry"))}
    shown = SHOWN
    elided = False
    while True:
        trimmed = {**status, **{name: list(status.get(name) or [])[:shown] for name in LISTS}}
        if any(counts[name] > len(trimmed[name]) for name in LISTS):
            trimmed["truncated"] = True
            trimmed["counts"] = counts
        if _size(trimmed) <= STATUS_LIMIT or (elided and shown == 0):
            return cast(CustomStatus, trimmed)
        if not elided:
            status = _elided(status)
            elided = True
        else:
            shown //= 2


def _elided(status: dict[str, Any]) -> dict[str, Any]:
    """Interrupt values replaced by their size, rejections dropped."""
    interrupts = [
        {**i, "value": {"elided": True, "bytes": len(json.dumps(i.get("value"), default=str))}}
        for i in status.get("interrupts") or []
    ]
    return {**status, "interrupts": interrupts, "rejected": []}


def _short_retry(retry: Any) -> Any:
    if not isinstance(retry, dict) or not isinstance(retry.get("last_error"), dict):
        return retry
    error = retry["last_error"]
    message = str(error.get("message", ""))
    if len(message) <= MESSAGE_LIMIT:
        return retry
    cut = message[:MESSAGE_LIMIT] + f"... ({len(message)} characters)"
    return {**retry, "last_error": {**error, "message": cut}}
