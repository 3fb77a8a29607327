"""The agents people build with LangChain and LangGraph, each on a scripted chat model.

Each entry of GRAPHS is (a function returning the compiled agent, the input given to
`compiled.invoke`, the resume values answering its interrupts in order). The models
answer from the conversation (scripted_model.py), so LangGraph and the durable run,
whose nodes run in activities and may run again on resume, get the same replies.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Annotated, Any

from langchain.agents import create_agent
from langchain.agents.middleware import (
    HumanInTheLoopMiddleware,
    ModelCallLimitMiddleware,
    SummarizationMiddleware,
    TodoListMiddleware,
    ToolCallLimitMiddleware,
)
from langchain.tools import ToolRuntime
from langchain_core.tools import tool
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.prebuilt import InjectedState, ToolNode, tools_condition
from scripted_model import ScriptedChatModel


@tool
def lookup(q: str) -> str:
    """Look `q` up."""
    return f"facts about {q}"


@tool
def send_email(to: str, body: str) -> str:
    """Send an email."""
    return f"sent to {to}: {body}"


@tool
def count_messages(label: str, state: Annotated[dict[str, Any], InjectedState]) -> str:
    """How many messages the conversation holds (the state is injected, not given by the model)."""
    return f"{label}: {len(state['messages'])} messages"


@dataclass
class Caller:
    user: str


@tool
def whoami(runtime: ToolRuntime[Caller]) -> str:
    """Who is asking, and how long the conversation is (from the tool's runtime)."""
    return f"{runtime.context.user} after {len(runtime.state['messages'])} messages"


def ask(text: str) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": text, "id": "question"}]}


def plain_agent() -> Any:
    model = ScriptedChatModel(plan=[("lookup", {"q": "paris"})], final="found")
    return create_agent(model, [lookup])


def react_agent() -> Any:
    from langgraph.prebuilt import create_react_agent

    model = ScriptedChatModel(plan=[("lookup", {"q": "rome"})], final="found")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # create_react_agent is deprecated for create_agent
        return create_react_agent(model, [lookup])


def injected_state_agent() -> Any:
    """Two tool calls in one turn: two Send tasks, each reading the state via its config."""
    calls = [("count_messages", {"label": "first"}), ("count_messages", {"label": "second"})]
    model = ScriptedChatModel(plan=[calls], final="counted")
    return create_agent(model, [count_messages])


def tool_node_graph() -> Any:
    """The hand-built agent loop: a model node, ToolNode and tools_condition."""
    model = ScriptedChatModel(plan=[("count_messages", {"label": "n"})], final="ok")

    def call_model(state: MessagesState) -> dict[str, Any]:
        return {"messages": [model.invoke(state["messages"])]}

    builder = StateGraph(MessagesState)
    builder.add_node("model", call_model)
    builder.add_node("tools", ToolNode([count_messages]))
    builder.add_edge(START, "model")
    builder.add_conditional_edges("model", tools_condition)
    builder.add_edge("tools", "model")
    return builder.compile()


def tool_runtime_agent() -> Any:
    """A tool reading the run's context and the state through LangChain's ToolRuntime."""
    model = ScriptedChatModel(plan=[("whoami", {})], final="you are")
    return create_agent(model, [whoami], context_schema=Caller)


def human_in_the_loop_agent() -> Any:
    model = ScriptedChatModel(
        plan=[("send_email", {"to": "ann@example.com", "body": "hi"})], final="mailed"
    )
    review = HumanInTheLoopMiddleware(interrupt_on={"send_email": True})
    return create_agent(model, [send_email], middleware=[review])


EDIT = {
    "decisions": [
        {
            "type": "edit",
            "edited_action": {
                "name": "send_email",
                "args": {"to": "bob@example.com", "body": "edited"},
            },
        }
    ]
}


def summarization_agent() -> Any:
    """A long conversation is summarised before the model answers.

    (With LangChain 1.5.2, a summarising agent that loops back from its tools fails in
    LangGraph itself with a KeyError in the model's route, so this one answers at once.)
    """
    model = ScriptedChatModel(final="answered")
    summarizer = ScriptedChatModel(final="summary", name_prefix="summary")
    squeeze = SummarizationMiddleware(
        model=summarizer, trigger=("messages", 5), keep=("messages", 2)
    )
    return create_agent(model, [lookup], middleware=[squeeze])


LONG_TALK = {
    "messages": [
        {"role": role, "content": f"{role} says {i}", "id": f"m{i}"}
        for i, role in enumerate(["user", "assistant"] * 3 + ["user"])
    ]
}


def todo_agent() -> Any:
    todos = [
        {"content": "look it up", "status": "completed"},
        {"content": "answer", "status": "in_progress"},
    ]
    model = ScriptedChatModel(plan=[("write_todos", {"todos": todos})], final="planned")
    return create_agent(model, [], middleware=[TodoListMiddleware()])


def model_call_limit_agent() -> Any:
    model = ScriptedChatModel(plan=[("lookup", {"q": "x"}), ("lookup", {"q": "y"})])
    return create_agent(model, [lookup], middleware=[ModelCallLimitMiddleware(run_limit=2)])


def tool_call_limit_agent() -> Any:
    model = ScriptedChatModel(plan=[("lookup", {"q": "x"}), ("lookup", {"q": "y"})])
    limit = ToolCallLimitMiddleware(tool_name="lookup", run_limit=1)
    return create_agent(model, [lookup], middleware=[limit])


def supervisor_agent() -> Any:
    """langgraph-supervisor: the supervisor hands off to a research agent through a tool."""
    from langgraph_supervisor import create_supervisor

    research_model = ScriptedChatModel(
        plan=[("lookup", {"q": "x"})], final="researched", name_prefix="r"
    )
    researcher = create_agent(research_model, [lookup], name="researcher")
    boss = ScriptedChatModel(
        plan=[("transfer_to_researcher", {})], final="supervised", name_prefix="s"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # it builds on the deprecated create_react_agent
        return create_supervisor([researcher], model=boss).compile()


def swarm_agent() -> Any:
    """langgraph-swarm: alice hands the conversation to bob (Command(graph=Command.PARENT))."""
    from langgraph_swarm import create_handoff_tool, create_swarm

    alice_model = ScriptedChatModel(plan=[("transfer_to_bob", {})], final="alice", name_prefix="a")
    alice = create_agent(alice_model, [create_handoff_tool(agent_name="bob")], name="alice")
    bob_model = ScriptedChatModel(plan=[("lookup", {"q": "y"})], final="bob", name_prefix="b")
    bob = create_agent(bob_model, [lookup], name="bob")
    return create_swarm([alice, bob], default_active_agent="alice").compile()


def deep_agent() -> Any:
    """deepagents: its messages and files are DeltaChannels; the model writes a file."""
    from deepagents import create_deep_agent

    model = ScriptedChatModel(
        plan=[("write_file", {"file_path": "/notes.txt", "content": "hi"})],
        final="wrote",
        name_prefix="d",
    )
    return create_deep_agent(model=model, tools=[lookup])


#: graph name -> the config and context it is invoked with
RUN_OPTIONS: dict[str, dict[str, Any]] = {
    "agent_tool_runtime": {"context": {"user": "ann"}},
}

#: graph name -> (factory of the compiled agent, invoke input, resume values in order)
GRAPHS: dict[str, tuple[Any, Any, list[Any]]] = {
    "agent_create_agent": (plain_agent, ask("where is paris?"), []),
    "agent_react": (react_agent, ask("where is rome?"), []),
    "agent_injected_state": (injected_state_agent, ask("count"), []),
    "agent_tool_node": (tool_node_graph, ask("count"), []),
    "agent_tool_runtime": (tool_runtime_agent, ask("who am i?"), []),
    "agent_human_in_the_loop": (human_in_the_loop_agent, ask("mail ann"), [EDIT]),
    "agent_summarization": (summarization_agent, LONG_TALK, []),
    "agent_todo_list": (todo_agent, ask("plan"), []),
    "agent_model_call_limit": (model_call_limit_agent, ask("x y"), []),
    "agent_tool_call_limit": (tool_call_limit_agent, ask("x y"), []),
    "agent_supervisor": (supervisor_agent, ask("research x"), []),
    "agent_swarm": (swarm_agent, ask("ask bob"), []),
    "agent_deep": (deep_agent, ask("take notes"), []),
}
