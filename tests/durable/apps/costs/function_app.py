"""Graphs whose Azure cost per superstep tests/durable/test_cost_per_step.py counts in the store."""

import operator
from typing import Annotated

from pydantic import BaseModel

from azure_functions_durable_graph import DurableGraphApp, ManifestBuilder, Send

runtime = DurableGraphApp()
app = runtime.function_app


class Counter(BaseModel):
    count: int = 0
    limit: int = 0
    fail_at: int = 0


def increment(state: Counter) -> dict:
    if state.count + 1 == state.fail_at:
        raise ValueError(f"step {state.fail_at} fails")
    return {"count": state.count + 1}


def again(state: Counter) -> str:
    return "step" if state.count < state.limit else "__complete__"


# -- "loop": one node routing to itself, one node per superstep -----------------------------

loop = ManifestBuilder(graph_name="loop", state_model=Counter, max_steps=1000)
loop.set_entrypoint("step")
loop.add_node("step", increment, route=again, route_targets=["step", "__complete__"])
runtime.register_registration(loop.build())


# -- "fan": split, N Sends to work in one superstep, join -----------------------------------


class MapReduce(BaseModel):
    items: list[int] = []
    results: Annotated[list[int], operator.add] = []
    total: int = 0


class Item(BaseModel):
    item: int


def scatter(state: MapReduce) -> list:
    return [Send("work", {"item": item}) for item in state.items]


fan = ManifestBuilder(graph_name="fan", state_model=MapReduce)
fan.set_entrypoint("split")
fan.add_node("split", lambda s: None, route=scatter, route_targets=["work"])
fan.add_node("work", lambda arg: {"results": [arg.item * 2]}, next_node="join", input_model=Item)
fan.add_node("join", lambda s: {"total": sum(s.results)}, terminal=True)
runtime.register_registration(fan.build())
