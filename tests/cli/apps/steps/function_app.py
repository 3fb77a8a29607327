"""Many quick steps, one parallel: `durable-graph run` must show each once, in order.

STEPS_APP_STEP_LOG=0 serves it without a step log (`run` then shows the path at the end).
"""

import operator
import os
from typing import Annotated

from pydantic import BaseModel

from azure_functions_durable_graph import DurableGraphApp, ManifestBuilder

runtime = DurableGraphApp(step_log=os.environ.get("STEPS_APP_STEP_LOG") != "0")
app = runtime.function_app

STEPS = 12


class Trail(BaseModel):
    seen: Annotated[list[str], operator.add] = []


def visit(name: str):
    return lambda state: {"seen": [name]}


chain = ManifestBuilder(graph_name="chain", state_model=Trail)
chain.set_entrypoint("n1")
for n in range(1, STEPS + 1):
    following = f"n{n + 1}" if n < STEPS else "fork"
    chain.add_node(f"n{n}", visit(f"n{n}"), next_node=following)
chain.add_node("fork", visit("fork"), next_node=["left", "right"])
chain.add_node("left", visit("left"), next_node="join")
chain.add_node("right", visit("right"), next_node="join")
chain.add_node("join", visit("join"), terminal=True)
runtime.register_registration(chain.build())
