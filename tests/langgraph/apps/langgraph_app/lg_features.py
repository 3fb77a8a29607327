"""Conformance graphs about state and runtime features: subgraphs, state schemas,
interrupts, retries, messages, errors, config parameters.

Shapes from LangGraph's docs, model calls replaced by pure functions (or a fake chat
model). Each `*_builder()` returns an uncompiled `StateGraph`: function_app.py converts
it with `from_langgraph`, tests/langgraph invokes it with LangGraph itself.
"""

from __future__ import annotations

import operator
from collections import Counter
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage, BaseMessage, ToolMessage
from langchain_core.runnables import RunnableConfig
from langchain_core.tools import tool
from langgraph.config import get_config
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode
from langgraph.runtime import Runtime
from langgraph.types import RetryPolicy, StreamWriter, interrupt
from pydantic import BaseModel, Field
from typing_extensions import TypedDict

# -- a subgraph with shared keys (docs: "Use subgraphs", shared state schemas) ----------


class SubgraphState(TypedDict):
    foo: str  # shared with the parent
    bar: str  # only the subgraph's


def subgraph_node_1(state: SubgraphState) -> dict[str, Any]:
    return {"bar": "bar"}


def subgraph_node_2(state: SubgraphState) -> dict[str, Any]:
    return {"foo": state["foo"] + state["bar"]}


class ParentState(TypedDict):
    foo: str


def parent_node_1(state: ParentState) -> dict[str, Any]:
    return {"foo": "hi! " + state["foo"]}


def subgraph_builder() -> StateGraph:
    sub = StateGraph(SubgraphState)
    sub.add_node(subgraph_node_1)
    sub.add_node(subgraph_node_2)
    sub.add_edge(START, "subgraph_node_1")
    sub.add_edge("subgraph_node_1", "subgraph_node_2")
    builder = StateGraph(ParentState)
    builder.add_node("node_1", parent_node_1)
    builder.add_node("node_2", sub.compile())
    builder.add_edge(START, "node_1")
    builder.add_edge("node_1", "node_2")
    return builder


# -- a Pydantic state (docs: "Use Pydantic models for graph state") ---------------------


class Address(BaseModel):
    city: str
    zip_code: str = Field(pattern=r"^\d{5}$")


class PydanticState(BaseModel):
    name: str
    address: Address
    visits: Annotated[list[str], operator.add] = []
    greeting: str = ""


def greet(state: PydanticState) -> dict[str, Any]:
    # The node gets the model, nested models included.
    return {"greeting": f"Hello {state.name} from {state.address.city}", "visits": ["greet"]}


def move(state: PydanticState) -> dict[str, Any]:
    return {"address": Address(city=state.address.city.upper(), zip_code="00000")}


def pydantic_builder() -> StateGraph:
    builder = StateGraph(PydanticState)
    builder.add_sequence([greet, move])
    builder.add_edge(START, "greet")
    return builder


# -- a TypedDict state with input and output schemas (docs: "Define input and output schemas")


class InputState(TypedDict):
    question: str


class OutputState(TypedDict):
    answer: str


class QAState(InputState, OutputState):
    notes: list[str]


def research(state: InputState) -> dict[str, Any]:
    return {"notes": [f"looked up {state['question']}"]}


def answer(state: QAState) -> dict[str, Any]:
    return {"answer": f"{state['question']} -> {len(state['notes'])} note(s)"}


def typed_dict_builder() -> StateGraph:
    builder = StateGraph(QAState, input_schema=InputState, output_schema=OutputState)
    builder.add_sequence([research, answer])
    builder.add_edge(START, "research")
    return builder


# -- private state between nodes (docs: "Pass private state between nodes") -------------


class OverallPrivate(TypedDict):
    a: str


class Node1Output(TypedDict):
    private_data: str


def private_node_1(state: OverallPrivate) -> Node1Output:
    return {"private_data": f"set by node_1 from {state['a']}"}


class Node2Input(TypedDict):
    private_data: str


def private_node_2(state: Node2Input) -> OverallPrivate:
    return {"a": f"node_2 read: {state['private_data']}"}


def private_state_builder() -> StateGraph:
    builder = StateGraph(OverallPrivate)
    builder.add_node("node_1", private_node_1)
    builder.add_node("node_2", private_node_2, input_schema=Node2Input)
    builder.add_edge(START, "node_1")
    builder.add_edge("node_1", "node_2")
    return builder


# -- a dataclass state -------------------------------------------------------------------


@dataclass
class DataclassState:
    text: str
    words: Annotated[list[str], operator.add] = field(default_factory=list)


def split_words(state: DataclassState) -> dict[str, Any]:
    return {"words": state.text.split()}


def dataclass_builder() -> StateGraph:
    builder = StateGraph(DataclassState)
    builder.add_node(split_words)
    builder.add_edge(START, "split_words")
    return builder


# -- interrupt + resume (docs: "Human-in-the-loop", review and edit) -------------------


class ReviewState(TypedDict):
    some_text: str
    reviewed_by: str


def draft(state: ReviewState) -> dict[str, Any]:
    return {"some_text": state["some_text"].strip().capitalize()}


def human_node(state: ReviewState) -> dict[str, Any]:
    value = interrupt({"text_to_revise": state["some_text"]})
    return {"some_text": value["text"], "reviewed_by": value["reviewer"]}


def interrupt_builder() -> StateGraph:
    builder = StateGraph(ReviewState)
    builder.add_sequence([draft, human_node])
    builder.add_edge(START, "draft")
    return builder


# -- RetryPolicy: a node that fails once, then succeeds ---------------------------------

#: Attempts per `key`; tests reset it before each run so both runs see one failure.
ATTEMPTS: Counter[str] = Counter()


class RetryState(TypedDict):
    key: str
    attempts: int


def flaky(state: RetryState) -> dict[str, Any]:
    ATTEMPTS[state["key"]] += 1
    if ATTEMPTS[state["key"]] == 1:
        raise ConnectionError(f"{state['key']}: the service is not answering yet")
    return {"attempts": ATTEMPTS[state["key"]]}


def retry_builder() -> StateGraph:
    builder = StateGraph(RetryState)
    builder.add_node(
        "flaky",
        flaky,
        retry_policy=RetryPolicy(initial_interval=0.05, jitter=False, retry_on=ConnectionError),
    )
    builder.add_edge(START, "flaky")
    return builder


# -- MessagesState with a fake chat model and a tool (docs: the ReAct agent loop) --------


@tool
def multiply(a: int, b: int) -> int:
    """Multiply two integers."""
    return a * b


def _reply(messages: list[BaseMessage]) -> AIMessage:
    """What a model would answer: call the tool once, then report its result."""
    last = messages[-1]
    if isinstance(last, ToolMessage):
        return AIMessage(content=f"The answer is {last.content}.", id="ai-final")
    call = {"name": "multiply", "args": {"a": 6, "b": 7}, "id": "call-1", "type": "tool_call"}
    return AIMessage(content="", tool_calls=[call], id="ai-call")


def agent(state: MessagesState) -> dict[str, Any]:
    model = FakeMessagesListChatModel(responses=[_reply(state["messages"])])
    return {"messages": [model.invoke(state["messages"])]}


def should_continue(state: MessagesState) -> Literal["tools", "__end__"]:
    last = state["messages"][-1]
    return "tools" if isinstance(last, AIMessage) and last.tool_calls else END


def messages_builder() -> StateGraph:
    builder = StateGraph(MessagesState)
    builder.add_node("agent", agent)
    builder.add_node("tools", ToolNode([multiply]))
    builder.add_edge(START, "agent")
    builder.add_conditional_edges("agent", should_continue)
    builder.add_edge("tools", "agent")
    return builder


# -- a node that fails (no retry policy) ------------------------------------------------


class FailState(TypedDict):
    amount: int


def check_amount(state: FailState) -> dict[str, Any]:
    if state["amount"] < 0:
        raise ValueError(f"amount must not be negative; got {state['amount']}")
    return {"amount": state["amount"]}


def failing_builder() -> StateGraph:
    builder = StateGraph(FailState)
    builder.add_node(check_amount)
    builder.add_edge(START, "check_amount")
    return builder


# -- several interrupts in one node, and one inside a subgraph --------------------------


class FormState(TypedDict):
    name: str
    age: int
    city: str


def ask(state: FormState) -> dict[str, Any]:
    # Docs: "Multiple interrupts in a single node" (answered in order).
    name = interrupt("What is your name?")
    age = interrupt(f"How old are you, {name}?")
    return {"name": name, "age": age}


def two_interrupts_builder() -> StateGraph:
    builder = StateGraph(FormState)
    builder.add_node(ask)
    builder.add_edge(START, "ask")
    return builder


def ask_city(state: FormState) -> dict[str, Any]:
    return {"city": interrupt(f"Where do you live, {state['name']}?")}


def greet_form(state: FormState) -> dict[str, Any]:
    return {"name": state["name"].title()}


def subgraph_interrupt_builder() -> StateGraph:
    child = StateGraph(FormState)
    child.add_node(ask_city)
    child.add_edge(START, "ask_city")
    builder = StateGraph(FormState)
    builder.add_node("greet_form", greet_form)
    builder.add_node("where", child.compile())
    builder.add_edge(START, "greet_form")
    builder.add_edge("greet_form", "where")
    return builder


# -- parallel interrupts; a subgraph invoked from inside a node ---------------------------


class ApprovalState(TypedDict):
    approvals: Annotated[list[str], operator.add]


def _approver(who: str) -> Any:
    def approve(state: ApprovalState) -> dict[str, Any]:
        return {"approvals": [f"{who}: {interrupt(f'approve as {who}?')}"]}

    return approve


def parallel_interrupts_builder() -> StateGraph:
    builder = StateGraph(ApprovalState)
    builder.add_node("legal", _approver("legal"))
    builder.add_node("finance", _approver("finance"))
    builder.add_edge(START, "legal")
    builder.add_edge(START, "finance")
    return builder


class Translation(TypedDict):
    text: str
    words: list[str]


def _translator() -> Any:
    def split(state: Translation) -> dict[str, Any]:
        return {"words": state["text"].upper().split()}

    child = StateGraph(Translation)
    child.add_node("split", split)
    child.add_edge(START, "split")
    return child.compile()


TRANSLATOR = _translator()


class DocumentState(TypedDict):
    title: str
    shouted: list[str]


def shout(state: DocumentState) -> dict[str, Any]:
    # Docs: "Invoke a graph from a node" (different schemas, mapped by hand).
    result = TRANSLATOR.invoke({"text": state["title"]})
    return {"shouted": result["words"]}


def nested_invoke_builder() -> StateGraph:
    builder = StateGraph(DocumentState)
    builder.add_node(shout)
    builder.add_edge(START, "shout")
    return builder


# -- config, runtime and stream writer parameters, get_config() -------------------------


class ConfigState(TypedDict):
    seen: Annotated[list[str], operator.add]


def with_config(state: ConfigState, config: RunnableConfig) -> dict[str, Any]:
    return {"seen": [f"node={config['metadata']['langgraph_node']}"]}


def with_runtime(state: ConfigState, runtime: Runtime[None]) -> dict[str, Any]:
    return {"seen": [f"context={runtime.context}", f"store={runtime.store is not None}"]}


def with_writer(state: ConfigState, writer: StreamWriter) -> dict[str, Any]:
    writer({"progress": "half way"})  # streamed by LangGraph, dropped by the durable run
    return {"seen": [f"get_config={get_config()['metadata']['langgraph_node']}"]}


def config_builder() -> StateGraph:
    builder = StateGraph(ConfigState)
    builder.add_sequence([with_config, with_runtime, with_writer])
    builder.add_edge(START, "with_config")
    return builder


#: graph name -> (builder factory, an input as given to `compiled.invoke`)
GRAPHS: dict[str, tuple[Any, dict[str, Any]]] = {
    "lg_subgraph": (subgraph_builder, {"foo": "foo"}),
    "lg_pydantic": (
        pydantic_builder,
        {"name": "Ada", "address": {"city": "London", "zip_code": "12345"}},
    ),
    "lg_typed_dict": (typed_dict_builder, {"question": "why"}),
    "lg_private_state": (private_state_builder, {"a": "start"}),
    "lg_dataclass": (dataclass_builder, {"text": "durable graphs everywhere"}),
    "lg_interrupt": (interrupt_builder, {"some_text": "  draft text "}),
    "lg_retry": (retry_builder, {"key": "retry"}),
    "lg_failing": (failing_builder, {"amount": -5}),
    "lg_parallel_interrupts": (parallel_interrupts_builder, {"approvals": []}),
    "lg_nested_invoke": (nested_invoke_builder, {"title": "durable graphs"}),
    "lg_config": (config_builder, {"seen": []}),
    "lg_two_interrupts": (two_interrupts_builder, {"name": "", "age": 0}),
    "lg_subgraph_interrupt": (subgraph_interrupt_builder, {"name": "ada", "age": 36}),
    "lg_messages": (
        messages_builder,
        {"messages": [{"role": "user", "content": "What is 6 times 7?", "id": "human-1"}]},
    ),
}
