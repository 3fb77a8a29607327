"""How a store item is laid out as an Azure Table entity.

PartitionKey is the namespace and RowKey the key, each label escaped so that the
characters Table keys forbid (`/ \\ # ?`, control characters) and our escape
character `%` never appear raw; labels are joined with `.`, which LangGraph
forbids inside a label, so a namespace prefix is a PartitionKey range. The
value is JSON, cut into 32,000-character properties (a string property holds
64 KiB), and times are ISO strings, exact to the microsecond like LangGraph's.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import orjson

#: Azure Tables: a key is at most 1 KiB, an entity at most 1 MiB.
MAX_KEY_CHARS = 512  # UTF-16, so 1 KiB
MAX_VALUE_PARTS = 15  # 15 x 32,000 UTF-16 characters: 960,000 bytes, below the 1 MiB limit
PART_CHARS = 32_000
_SEPARATOR = "."
_FORBIDDEN = frozenset("/\\#?%")


def escape(label: str) -> str:
    return "".join(
        "".join(f"%{b:02X}" for b in ch.encode()) if _needs_escape(ch) else ch for ch in label
    )


def _needs_escape(ch: str) -> bool:
    code = ord(ch)
    return ch in _FORBIDDEN or code < 0x20 or 0x7F <= code <= 0x9F


def partition_key(namespace: tuple[str, ...]) -> str:
    return _checked(_SEPARATOR.join(escape(label) for label in namespace), "namespace")


def row_key(key: str) -> str:
    return _checked(escape(key), "key")


def _checked(text: str, what: str) -> str:
    if len(text) > MAX_KEY_CHARS:
        raise ValueError(
            f"the {what} is too long for the Azure table store: {len(text)} characters "
            f"escaped, at most {MAX_KEY_CHARS} (an Azure Table key holds 1 KiB)"
        )
    return text


def prefix_query(prefix: tuple[str, ...]) -> tuple[str | None, dict[str, str]]:
    """An OData filter for every PartitionKey at or below `prefix` (None: the whole table)."""
    if not prefix:
        return None, {}
    exact = partition_key(prefix)
    below = exact + _SEPARATOR
    # `/` follows `.`: every key that starts with "<prefix>." sorts before "<prefix>/".
    above = exact + chr(ord(_SEPARATOR) + 1)
    # Spaces around the parameters: the SDK finds them by splitting the filter on spaces.
    query = "PartitionKey eq @exact or ( PartitionKey ge @below and PartitionKey lt @above )"
    return query, {"exact": exact, "below": below, "above": above}


def now() -> datetime:
    return datetime.now(timezone.utc)


def stamp(moment: datetime) -> str:
    """A UTC time as a fixed-width ISO string, so strings compare as the times do."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_stamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


def value_properties(value: Any) -> dict[str, Any]:
    """The item value as JSON text in as many string properties as it needs."""
    text = orjson.dumps(value).decode()
    parts = [text[i : i + PART_CHARS] for i in range(0, len(text), PART_CHARS)] or [""]
    if len(parts) > MAX_VALUE_PARTS:
        raise ValueError(
            f"the value is too large for the Azure table store: {len(text)} characters of "
            f"JSON, at most {MAX_VALUE_PARTS * PART_CHARS} (an Azure Table entity holds 1 MiB)"
        )
    properties: dict[str, Any] = {f"value{i}": part for i, part in enumerate(parts)}
    properties["value_parts"] = len(parts)
    return properties


def read_value(entity: dict[str, Any]) -> Any:
    count = int(entity["value_parts"])
    return json.loads("".join(entity[f"value{i}"] for i in range(count)))


def read_namespace(entity: dict[str, Any]) -> tuple[str, ...]:
    return tuple(json.loads(entity["namespace"]))


def namespace_property(namespace: tuple[str, ...]) -> str:
    return json.dumps(list(namespace), ensure_ascii=False)
