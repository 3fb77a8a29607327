"""The JSON schema of a graph's input, also for states declared with `typing.TypedDict`.

LangGraph runs such states on every Python, but describes them through pydantic, which
on Python < 3.12 accepts only `typing_extensions.TypedDict`. The same keys and types
are described here through an equivalent `typing_extensions.TypedDict`, which is what
LangGraph's `get_input_jsonschema()` gives on Python 3.12+.
"""

from __future__ import annotations

import sys
import typing
from typing import Any

import typing_extensions
from langgraph.graph.state import CompiledStateGraph


def input_json_schema(compiled: CompiledStateGraph[Any, Any, Any, Any]) -> dict[str, Any]:
    """`compiled.get_input_jsonschema()`, through an equivalent TypedDict where pydantic
    refuses the one the graph declares."""
    schema = compiled.builder.input_schema
    if not _needs_equivalent(schema):
        result: dict[str, Any] = compiled.get_input_jsonschema()
        return result
    from pydantic import TypeAdapter

    described: dict[str, Any] = TypeAdapter(_equivalent(schema)).json_schema()
    return described


def _needs_equivalent(schema: Any) -> bool:
    return (
        sys.version_info < (3, 12)
        and typing.is_typeddict(schema)
        and not isinstance(schema, typing_extensions._TypedDictMeta)  # type: ignore[attr-defined]
    )


_REQUIREDNESS = (
    typing_extensions.Required,
    typing_extensions.NotRequired,
    getattr(typing, "Required", None),
    getattr(typing, "NotRequired", None),
)


def _equivalent(schema: Any) -> Any:
    """A `typing_extensions.TypedDict` with the same name, keys, requiredness and types
    (a field typed with another `typing.TypedDict` gets its equivalent too)."""
    hints = typing.get_type_hints(schema, include_extras=True)
    required = schema.__required_keys__
    fields: dict[str, Any] = {}
    for key, hint in hints.items():
        if typing.get_origin(hint) in _REQUIREDNESS:
            hint = typing.get_args(hint)[0]  # said again below, from __required_keys__
        kind = _equivalent(hint) if _needs_equivalent(hint) else hint
        wrapper = typing_extensions.Required if key in required else typing_extensions.NotRequired
        fields[key] = wrapper[kind]
    equivalent: Any = typing_extensions.TypedDict(schema.__name__, fields)  # type: ignore[misc]
    equivalent.__module__ = schema.__module__
    equivalent.__doc__ = schema.__doc__
    return equivalent
