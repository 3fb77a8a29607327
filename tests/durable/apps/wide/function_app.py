"""Wide supersteps: 2,000 Sends, hundreds of subgraph children (tests/engine/test_wide_runs.py).

Every task holds until the test creates the gate file named in its argument, so the
test can read the run's status while the whole superstep is in flight.
"""

import operator
import os
import time
from typing import Annotated

from pydantic import BaseModel

from azure_functions_durable_graph import DurableGraphApp, ManifestBuilder, Send

runtime = DurableGraphApp()
app = runtime.function_app


def hold(gate: str) -> None:
    deadline = time.monotonic() + 60
    while gate and not os.path.exists(gate) and time.monotonic() < deadline:
        time.sleep(0.01)


class Wide(BaseModel):
    count: int = 0
    gate: str = ""
    done: Annotated[list[int], operator.add] = []


def summarize_document(payload: dict) -> dict:
    hold(payload["gate"])
    return {"done": [payload["n"]]}


def sends(node: str, gate: str = "gate"):
    return lambda s: [Send(node, {"n": n, gate: s.gate}) for n in range(s.count)]


sends_graph = ManifestBuilder(graph_name="many_sends", state_model=Wide)
sends_graph.set_entrypoint("plan")
sends_graph.add_node(
    "plan", lambda s: None, route=sends("summarize_document"), route_targets=["summarize_document"]
)
sends_graph.add_node("summarize_document", summarize_document, terminal=True)
runtime.register_registration(sends_graph.build())


class Item(BaseModel):
    n: int = 0
    item_gate: str = ""  # not shared with the parent: each child has its own
    done: Annotated[list[int], operator.add] = []


def item_work(state: Item) -> dict:
    hold(state.item_gate)
    return {"done": [state.n]}


item = ManifestBuilder(graph_name="item", state_model=Item)
item.set_entrypoint("work")
item.add_node("work", item_work, terminal=True)

children = ManifestBuilder(graph_name="many_children", state_model=Wide)
children.set_entrypoint("plan")
children.add_node(
    "plan",
    lambda s: None,
    route=sends("research_item", "item_gate"),
    route_targets=["research_item"],
)
children.add_node("research_item", item.build(), terminal=True)
runtime.register_registration(children.build())
