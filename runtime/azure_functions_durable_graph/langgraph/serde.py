"""JSON for LangGraph values: what Durable history carries between activities.

LangChain messages travel as their `model_dump()` (the form LangGraph's own API
returns: ``{"type": "ai", "content": ..., "id": ..., ...}``) and come back as
message objects; anything else pydantic can serialise goes the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    ChatMessage,
    ChatMessageChunk,
    FunctionMessage,
    FunctionMessageChunk,
    HumanMessage,
    HumanMessageChunk,
    RemoveMessage,
    SystemMessage,
    SystemMessageChunk,
    ToolMessage,
    ToolMessageChunk,
)
from langgraph.types import Command
from pydantic_core import to_jsonable_python

_MESSAGE_TYPES: dict[str, type[BaseMessage]] = {
    "human": HumanMessage,
    "ai": AIMessage,
    "system": SystemMessage,
    "chat": ChatMessage,
    "function": FunctionMessage,
    "tool": ToolMessage,
    "remove": RemoveMessage,
    "AIMessageChunk": AIMessageChunk,
    "HumanMessageChunk": HumanMessageChunk,
    "SystemMessageChunk": SystemMessageChunk,
    "ChatMessageChunk": ChatMessageChunk,
    "FunctionMessageChunk": FunctionMessageChunk,
    "ToolMessageChunk": ToolMessageChunk,
}
# Keys every dumped message has; a user's {"role": ..., "content": ...} lacks them and
# is left for add_messages to convert, as LangGraph does.
_MESSAGE_KEYS = frozenset({"type", "content", "additional_kwargs", "response_metadata"})


#: The JSON form of a `Command` sent as a `Send`'s argument: {COMMAND_TAG: its fields}.
COMMAND_TAG = "__langgraph_command__"


def send_arg(arg: Any) -> Any:
    """A `Send`'s argument as it travels: a `Command` tagged, so the node gets one back."""
    if isinstance(arg, Command):
        fields = {"graph": arg.graph, "update": arg.update, "resume": arg.resume}
        goto: Any = arg.goto
        if not isinstance(goto, str):
            goto = list(goto) if isinstance(goto, (list, tuple)) else [goto]
        return {COMMAND_TAG: {**fields, "goto": goto}}
    return arg


def to_json(value: Any, *, fallback: Callable[[Any], Any] | None = None) -> Any:
    """The JSON form of a value a node returned or a channel holds.

    Raises:
        pydantic_core.PydanticSerializationError: the value has no JSON form.
    """
    return to_jsonable_python(value, fallback=fallback, serialize_unknown=False)


def revive(value: Any) -> Any:
    """Turn dumped messages (at any depth) back into message objects; the rest is unchanged."""
    if isinstance(value, dict):
        if value.keys() == {COMMAND_TAG}:
            fields = revive(value[COMMAND_TAG])
            if isinstance(fields["goto"], list):
                fields["goto"] = tuple(fields["goto"])  # LangGraph's default is ()
            return Command(**fields)
        kind = value.get("type")
        if isinstance(kind, str) and kind in _MESSAGE_TYPES and value.keys() >= _MESSAGE_KEYS:
            return _MESSAGE_TYPES[kind](**value)
        return {k: revive(v) for k, v in value.items()}
    if isinstance(value, list):
        return [revive(v) for v in value]
    return value
