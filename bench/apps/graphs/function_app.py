"""The comparison's workloads as this project's graphs (bench/workloads.py defines them).

fanout-50 needs engine v2's `Send` and list reducers; without them the graph is
not registered and bench/durable_graph.py fails that workload with a message.
"""

import operator
import os
from typing import Annotated, Any

from pydantic import BaseModel

import azure_functions_durable_graph as dg
from azure_functions_durable_graph import DurableGraphApp, ManifestBuilder

runtime = DurableGraphApp(http_auth_level="ANONYMOUS")
app = runtime.function_app

LINEAR_NODES = 10
MAX_STEPS = 5000

# `python -m bench.compare --steps-per-execution N` sets this; unset, the builder's default.
_PERIOD = os.environ.get("BENCH_STEPS_PER_EXECUTION")
OPTIONS: dict[str, Any] = {"max_steps": MAX_STEPS}
if _PERIOD:
    OPTIONS["steps_per_execution"] = int(_PERIOD)


class Counter(BaseModel):
    count: int = 0
    limit: int = 0
    payload: str = ""


def increment(state: Counter) -> dict:
    return {"count": state.count + 1}


linear = ManifestBuilder("linear", Counter, **OPTIONS)
linear.set_entrypoint("n0")
for index in range(LINEAR_NODES):
    last = index == LINEAR_NODES - 1
    linear.add_node(
        f"n{index}", increment, next_node=None if last else f"n{index + 1}", terminal=last
    )
runtime.register_registration(linear.build())


def again(state: Counter) -> str:
    return "step" if state.count < state.limit else "__complete__"


loop = ManifestBuilder("loop", Counter, **OPTIONS)
loop.set_entrypoint("step")
loop.add_node("step", increment, route=again, route_targets=["step", "__complete__"])
runtime.register_registration(loop.build())


Send = getattr(dg, "Send", None)
if Send is not None:  # engine v2

    class MapReduce(BaseModel):
        items: list[int] = []
        results: Annotated[list[int], operator.add] = []
        total: int = 0

    class Item(BaseModel):
        item: int

    def split(state: MapReduce) -> None:
        return None

    def scatter(state: MapReduce) -> list:
        return [Send("work", {"item": item}) for item in state.items]

    def work(arg: Item) -> dict:
        return {"results": [arg.item * 2]}

    def join(state: MapReduce) -> dict:
        return {"total": sum(state.results)}

    fanout = ManifestBuilder("fanout", MapReduce, **OPTIONS)
    fanout.set_entrypoint("split")
    fanout.add_node("split", split, route=scatter, route_targets=["work"])
    fanout.add_node("work", work, next_node="join", input_model=Item)
    fanout.add_node("join", join, terminal=True)
    runtime.register_registration(fanout.build())


# The agent-loop workload: LangGraph's prebuilt ReAct agent through from_langgraph. Where
# it cannot be registered (no LangGraph in this venv, or from_langgraph refuses it), the
# reason is kept and the bench reports the workload as failed on this system.
AGENT_UNAVAILABLE: str | None = None
try:
    from azure_functions_durable_graph.langgraph import from_langgraph
    from bench.agent_graph import agent_graph

    runtime.register_registration(from_langgraph(agent_graph(), graph_name="agent"))
except Exception as exc:  # ImportError, or from_langgraph's UnsupportedFeature
    AGENT_UNAVAILABLE = f"the agent graph could not be registered: {type(exc).__name__}: {exc}"
