"""The agent-loop workload's graph: LangGraph's prebuilt ReAct agent on a scripted chat model.

The model is deterministic and stateless: it reads how many tool results the
conversation already holds and asks for the next tool call until it has made
`TOOL_CALLS`, then answers. So LangGraph and a durable run (whose nodes run in
activities, possibly again after a restart) get the same replies. One run is
`TOOL_CALLS + 1` model steps and `TOOL_CALLS` tool steps.

Imported only where LangGraph is installed (the bench venv).
"""

from __future__ import annotations

import warnings
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.tools import tool

TOOL_CALLS = 20


@tool
def add_one(x: int) -> int:
    """Add one to `x`."""
    return x + 1


class ScriptedToolCaller(BaseChatModel):
    """Calls `add_one` once per turn until the conversation holds `calls` tool results."""

    calls: int = TOOL_CALLS

    @property
    def _llm_type(self) -> str:
        return "scripted-tool-caller"

    def bind_tools(self, tools: Any, **kwargs: Any) -> ScriptedToolCaller:
        return self  # the script names its tool itself

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **_: Any
    ) -> ChatResult:
        done = sum(isinstance(m, ToolMessage) for m in messages)
        if done < self.calls:
            call = {"name": "add_one", "args": {"x": done}, "id": f"call-{done}"}
            call["type"] = "tool_call"
            message = AIMessage(content="", tool_calls=[call], id=f"ai-{done}")
        else:
            message = AIMessage(content=f"done after {done} tool calls", id=f"ai-{done}")
        return ChatResult(generations=[ChatGeneration(message=message)])


def agent_graph(checkpointer: Any = None) -> Any:
    """The compiled agent: ``create_react_agent(model, [add_one], checkpointer=...)``."""
    from langgraph.prebuilt import create_react_agent

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # deprecated in favour of langchain's create_agent
        return create_react_agent(ScriptedToolCaller(), [add_one], checkpointer=checkpointer)
