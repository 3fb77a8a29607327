"""A graph that waits for its client: each gate is a file the test creates only after its
client RECEIVED an earlier event of the same run, so only a live stream lets it finish.

`first` writes the log; `second` waits for the gate ``values`` (opened when the state
after `first` arrived), writes a custom event, waits for ``custom``, then asks a chat
model that streams one token, waits for ``token``, and streams the rest. A gate left
closed fails the run after `GATE_SECONDS`.
"""

from __future__ import annotations

import operator
import time
from pathlib import Path
from typing import Annotated, Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph
from typing_extensions import TypedDict

GATE_SECONDS = 20.0


class GateState(TypedDict):
    gates: str  # a folder the test creates the gate files in
    log: Annotated[list[str], operator.add]


def wait_for(gates: str, name: str) -> None:
    gate = Path(gates) / name
    deadline = time.monotonic() + GATE_SECONDS
    while not gate.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gate {name!r} stayed closed: its event never reached the client")
        time.sleep(0.01)


class GatedModel(BaseChatModel):
    """Streams "hello ", waits for the gate ``token``, then streams "world"."""

    gates: str

    @property
    def _llm_type(self) -> str:
        return "gated"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(str(c.message.content) for c in self._stream(messages))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Any:
        for index, word in enumerate(("hello ", "world")):
            if index:
                wait_for(self.gates, "token")
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=word))
            if run_manager is not None:
                run_manager.on_llm_new_token(word, chunk=chunk)
            yield chunk


def first(state: GateState) -> dict[str, Any]:
    return {"log": ["first"]}


def second(state: GateState) -> dict[str, Any]:
    wait_for(state["gates"], "values")
    get_stream_writer()({"stage": "custom"})
    wait_for(state["gates"], "custom")
    said = GatedModel(gates=state["gates"]).invoke([HumanMessage("hi")])
    return {"log": [f"second: {said.content}"]}


def gated_builder() -> StateGraph[Any, Any, Any, Any]:
    builder = StateGraph(GateState)
    builder.add_node("first", first)
    builder.add_node("second", second)
    builder.add_edge(START, "first")
    builder.add_edge("first", "second")
    builder.add_edge("second", END)
    return builder
