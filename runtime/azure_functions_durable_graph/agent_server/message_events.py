"""The ``messages`` stream mode as LangGraph's server sends it: each message's chunks added
up, sent as ``messages/metadata`` (once per message id), then ``messages/partial`` (a
chunk came) or ``messages/complete`` (a whole message came), with the message so far.

LangChain is imported only when a run streams this mode (it is the LangGraph extra's).
"""

from __future__ import annotations

from typing import Any

Event = tuple[str, Any]


class MessageEvents:
    """Turns a run's published ``[message, metadata]`` pairs into LangGraph's events."""

    def __init__(self) -> None:
        self._so_far: dict[str, Any] = {}

    def events(self, data: Any) -> list[Event]:
        from langchain_core.messages import BaseMessageChunk, message_chunk_to_message

        from ..langgraph.serde import revive, to_json

        dumped, metadata = data
        message = revive(dumped)
        key = str(message.id)
        out: list[Event] = []
        if key in self._so_far:
            self._so_far[key] = self._so_far[key] + message
        else:
            self._so_far[key] = message
            out.append(("messages/metadata", {key: {"metadata": metadata}}))
        name = "messages/partial" if isinstance(message, BaseMessageChunk) else "messages/complete"
        out.append((name, [to_json(message_chunk_to_message(self._so_far[key]))]))
        return out
