"""The graphs the Agent Server API tests drive, as plain LangGraph StateGraphs.

`langgraph dev` serves them as they are (langgraph.json); function_app.py serves
them on Durable Functions through from_langgraph. The chat model is a deterministic
fake: it answers from what it was told, so both servers give the same conversation.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated, Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, AnyMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages
from langgraph.runtime import Runtime
from langgraph.types import interrupt
from typing_extensions import TypedDict


class ChatState(TypedDict):
    messages: Annotated[list[AnyMessage], add_messages]


def chat(state: ChatState) -> dict[str, Any]:
    """A fake model: repeats the last message and counts the turns it has seen."""
    said = [m for m in state["messages"] if m.type == "human"]
    last = said[-1].content if said else ""
    if isinstance(last, str) and last.startswith("slowly:"):
        time.sleep(3)  # a model taking its time (the crash tests kill the host meanwhile)
    return {"messages": [AIMessage(content=f"you said {last!r} (turn {len(said)})")]}


def chatbot_builder() -> StateGraph[Any, Any, Any, Any]:
    builder = StateGraph(ChatState)
    builder.add_node("chat", chat)
    builder.add_edge(START, "chat")
    builder.add_edge("chat", END)
    return builder


class ReviewState(TypedDict, total=False):
    topic: str
    draft: str
    verdict: str


def write(state: ReviewState) -> dict[str, Any]:
    return {"draft": f"a draft about {state.get('topic', 'nothing')}"}


def review(state: ReviewState) -> dict[str, Any]:
    answer = interrupt({"question": "approve?", "draft": state.get("draft")})
    return {"verdict": f"reviewer said {answer}"}


def publish(state: ReviewState) -> dict[str, Any]:
    get_stream_writer()({"publishing": state.get("verdict")})
    return {"draft": f"{state.get('draft')} [{state.get('verdict')}]"}


def review_builder() -> StateGraph[Any, Any, Any, Any]:
    builder = StateGraph(ReviewState)
    builder.add_node("write", write)
    builder.add_node("review", review)
    builder.add_node("publish", publish)
    builder.add_edge(START, "write")
    builder.add_edge("write", "review")
    builder.add_edge("review", "publish")
    builder.add_edge("publish", END)
    return builder


def failing(state: ReviewState) -> dict[str, Any]:
    raise ValueError(f"cannot handle {state.get('topic')!r}")


def failing_builder() -> StateGraph[Any, Any, Any, Any]:
    builder = StateGraph(ReviewState)
    builder.add_node("fail", failing)
    builder.add_edge(START, "fail")
    builder.add_edge("fail", END)
    return builder


class SlowState(TypedDict, total=False):
    seconds: float
    slept: float


def sleep(state: SlowState) -> dict[str, Any]:
    """Keeps its run busy for a while (for the multitask strategies)."""
    time.sleep(state.get("seconds", 0))
    return {"slept": state.get("seconds", 0)}


def slow_builder() -> StateGraph[Any, Any, Any, Any]:
    builder = StateGraph(SlowState)
    builder.add_node("sleep", sleep)
    builder.add_edge(START, "sleep")
    builder.add_edge("sleep", END)
    return builder


@dataclass
class Caller:
    user: str
    tier: str = "free"


class EchoState(TypedDict, total=False):
    heard: str


def echo(state: EchoState, runtime: Runtime[Caller]) -> dict[str, Any]:
    """Says who called it: the run's context, as the node's runtime holds it."""
    return {"heard": f"{runtime.context.user} ({runtime.context.tier})"}


def echo_builder() -> StateGraph[Any, Any, Any, Any]:
    builder = StateGraph(EchoState, context_schema=Caller)
    builder.add_node("echo", echo)
    builder.add_edge(START, "echo")
    builder.add_edge("echo", END)
    return builder


class Spelling(BaseChatModel):
    """A fake chat model that streams its answer (the last message, spelled out) word by word."""

    @property
    def _llm_type(self) -> str:
        return "spelling"

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
        for word in str(messages[-1].content).split():
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=f"{word} "))
            if run_manager is not None:
                run_manager.on_llm_new_token(str(chunk.message.content), chunk=chunk)
            yield chunk


def progress(state: ChatState) -> dict[str, Any]:
    """Reports its progress through get_stream_writer() (the `custom` stream mode)."""
    write = get_stream_writer()
    for done in (1, 2, 3):
        write({"done": done, "of": 3})
    return {}


def speak(state: ChatState) -> dict[str, Any]:
    """Calls a chat model that streams tokens (the `messages` stream mode)."""
    said = Spelling().invoke(state["messages"][-1:])
    return {"messages": [AIMessage(content=str(said.content).strip(), id="answer")]}


def streamer_builder() -> StateGraph[Any, Any, Any, Any]:
    builder = StateGraph(ChatState)
    builder.add_node("progress", progress)
    builder.add_node("speak", speak)
    builder.add_edge(START, "progress")
    builder.add_edge("progress", "speak")
    builder.add_edge("speak", END)
    return builder


class Essay(TypedDict, total=False):
    topic: str
    text: str


def outline(state: Essay) -> dict[str, Any]:
    return {"text": f"outline of {state.get('topic')}"}


def draft(state: Essay) -> dict[str, Any]:
    get_stream_writer()({"drafting": state.get("topic")})
    return {"text": f"{state.get('text')}, drafted"}


def shine(state: Essay) -> dict[str, Any]:
    return {"text": f"{state.get('text')}, polished"}


def nested_builder() -> StateGraph[Any, Any, Any, Any]:
    """A node that is a subgraph of two steps, the second a subgraph itself (the
    `stream_subgraphs` option)."""
    polisher = StateGraph(Essay)
    polisher.add_node("shine", shine)
    polisher.add_edge(START, "shine")
    polisher.add_edge("shine", END)
    writer = StateGraph(Essay)
    writer.add_node("draft", draft)
    writer.add_node("polish", polisher.compile())
    writer.add_edge(START, "draft")
    writer.add_edge("draft", "polish")
    writer.add_edge("polish", END)
    builder = StateGraph(Essay)
    builder.add_node("outline", outline)
    builder.add_node("writer", writer.compile())
    builder.add_edge(START, "outline")
    builder.add_edge("outline", "writer")
    builder.add_edge("writer", END)
    return builder


# What langgraph.json points at (compiled graphs, as `langgraph dev` wants them).
chatbot = chatbot_builder().compile()
reviewer = review_builder().compile()
failer = failing_builder().compile()
slow = slow_builder().compile()
echoer = echo_builder().compile()
streamer = streamer_builder().compile()
nested = nested_builder().compile()

GRAPHS = {
    "chatbot": chatbot_builder,
    "reviewer": review_builder,
    "failer": failing_builder,
    "slow": slow_builder,
    "echoer": echo_builder,
    "streamer": streamer_builder,
    "nested": nested_builder,
}
