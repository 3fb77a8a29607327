"""A deterministic chat model for agent tests: its reply is a function of the conversation.

Nodes run in activities, possibly more than once (a resume re-runs the node), so the
model keeps no state between calls: it looks at the messages it is given. `plan` lists
the tool calls it makes, one per turn: turn k (the number of tool results for its own
tools since the last human message) calls `plan[k]`; after the last one it answers
with `final` followed by the last tool result. Ids are derived from the conversation
length, so LangGraph and the durable run produce the same messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult


class ScriptedChatModel(BaseChatModel):
    """Replies from the conversation: the next planned tool call, else the final answer."""

    #: One turn each: a tool call (name, args), or a list of them (parallel calls).
    plan: list[Any] = []
    final: str = "done"
    name_prefix: str = "ai"

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ScriptedChatModel:
        return self

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self.reply(messages))])

    def reply(self, messages: Sequence[BaseMessage]) -> AIMessage:
        last_human = max(
            (i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=-1
        )
        turns = [t if isinstance(t, list) else [t] for t in self.plan]
        own = {name for turn in turns for name, _ in turn}
        results = [
            m for m in messages[last_human + 1 :] if isinstance(m, ToolMessage) and m.name in own
        ]
        message_id = f"{self.name_prefix}-{len(messages)}"
        done = 0
        for turn, calls in enumerate(turns):
            done += len(calls)
            if len(results) < done:
                tool_calls = [
                    {"name": name, "args": args, "id": f"{self.name_prefix}-call-{turn}-{i}"}
                    for i, (name, args) in enumerate(calls)
                ]
                return AIMessage(content="", id=message_id, tool_calls=tool_calls)
        said = f" {results[-1].content}" if results else ""
        return AIMessage(content=f"{self.final}{said}", id=message_id)
