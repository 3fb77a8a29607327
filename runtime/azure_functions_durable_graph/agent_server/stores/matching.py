"""The store's search filter and namespace conditions, for backends that cannot query values.

The Azure table store reads a namespace range and decides here which items a
`filter` keeps, the way LangGraph's own stores do: a plain value means
equality (dicts and lists compared as JSON), `{"$gt": 2}`-style operators
compare numbers as numbers, and a dotted key (`"a.b"`) looks into nested
objects as SqliteStore's `json_extract` path does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

_MISSING = object()
_ORDERINGS = ("$gt", "$gte", "$lt", "$lte")


def matches_filter(value: Mapping[str, Any], conditions: Mapping[str, Any] | None) -> bool:
    """True when the item `value` meets every condition of a search `filter`.

    Raises:
        ValueError: an operator LangGraph's stores do not know (`Unsupported operator: $x`).
    """
    return all(_meets(_at_path(value, key), wanted) for key, wanted in (conditions or {}).items())


def check_filter(conditions: Mapping[str, Any] | None) -> None:
    """Refuse unknown operators even when no item is there to test them on, as SQL stores do.

    Raises:
        ValueError: `Unsupported operator: $x`.
    """
    for wanted in (conditions or {}).values():
        if isinstance(wanted, Mapping) and any(str(k).startswith("$") for k in wanted):
            for op in wanted:
                if op not in ("$eq", "$ne", *_ORDERINGS):
                    raise ValueError(f"Unsupported operator: {op}")


def _at_path(value: Mapping[str, Any], key: str) -> Any:
    if key in value:
        return value[key]
    current: Any = value
    for part in key.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return _MISSING
        current = current[part]
    return current


def _meets(actual: Any, wanted: Any) -> bool:
    if isinstance(wanted, Mapping) and any(str(k).startswith("$") for k in wanted):
        return all(_apply(actual, op, operand) for op, operand in wanted.items())
    return _equal(actual, wanted)


def _equal(actual: Any, wanted: Any) -> bool:
    if actual is _MISSING:
        return False
    if isinstance(wanted, Mapping):
        return isinstance(actual, Mapping) and all(
            _equal(actual.get(k, _MISSING), v) for k, v in wanted.items()
        )
    if isinstance(wanted, Sequence) and not isinstance(wanted, str):
        return (
            isinstance(actual, Sequence)
            and not isinstance(actual, str)
            and len(actual) == len(wanted)
            and all(_equal(a, w) for a, w in zip(actual, wanted, strict=True))
        )
    return bool(actual == wanted)


def _apply(actual: Any, op: str, operand: Any) -> bool:
    if op == "$eq":
        return _equal(actual, operand)
    if op == "$ne":
        return not _equal(actual, operand)
    if op not in _ORDERINGS:
        raise ValueError(f"Unsupported operator: {op}")
    left, right = _comparable(actual), _comparable(operand)
    if left is None or right is None or type(left) is not type(right):
        return False
    order = (left > right) - (left < right)  # type: ignore[operator]  # same type, checked
    return {"$gt": order > 0, "$gte": order >= 0, "$lt": order < 0, "$lte": order <= 0}[op]


def _comparable(value: Any) -> float | str | None:
    """Numbers compare as numbers and strings as strings; anything else never orders."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        return value
    return None


def matches_namespace(
    namespace: tuple[str, ...], conditions: Sequence[tuple[str, tuple[str, ...]]]
) -> bool:
    """True when `namespace` meets every (match_type, path) condition; `*` matches any label."""
    for match_type, path in conditions:
        if len(path) > len(namespace):
            return False
        part = namespace[: len(path)] if match_type == "prefix" else namespace[-len(path) :]
        if path and not all(want in ("*", got) for want, got in zip(path, part, strict=True)):
            return False
    return True


def within_prefix(namespace: tuple[str, ...], prefix: tuple[str, ...]) -> bool:
    return namespace[: len(prefix)] == prefix
