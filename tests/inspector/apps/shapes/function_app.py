"""One graph with every node shape the diagram draws: box, subgraph, deferred, terminal."""

import operator
from typing import Annotated

from pydantic import BaseModel

from azure_functions_durable_graph import DurableGraphApp, ManifestBuilder

runtime = DurableGraphApp()
app = runtime.function_app


class Child(BaseModel):
    seen: Annotated[list[str], operator.add] = []


inner = ManifestBuilder(graph_name="inner", state_model=Child)
inner.set_entrypoint("look")
inner.add_node("look", lambda s: {"seen": ["look"]}, terminal=True)


class Shapes(BaseModel):
    seen: Annotated[list[str], operator.add] = []


shapes = ManifestBuilder(graph_name="shapes", state_model=Shapes)
shapes.set_entrypoint("start")
shapes.add_node("start", lambda s: {"seen": ["start"]}, next_node=["quick", "sub"])
shapes.add_node("quick", lambda s: {"seen": ["quick"]}, next_node="gather")
shapes.add_node("sub", inner.build(), next_node="gather")
shapes.add_node("gather", lambda s: {"seen": ["gather"]}, next_node="finish", defer=True)
shapes.add_node("finish", lambda s: {"seen": ["finish"]}, terminal=True)
runtime.register_registration(shapes.build())
