"""A graph whose runs were recorded with one step-log signal per superstep (before issue 18).

Frozen: tests/compat/recorded_steplog_v1 holds its runs, recorded by
tests/compat/record_steplog_v1.py with the runtime of main 4252731. Do not change it.
"""

import operator
from typing import Annotated

from pydantic import BaseModel

from azure_functions_durable_graph import DurableGraphApp, ManifestBuilder, RouteDecision

runtime = DurableGraphApp()
app = runtime.function_app


class Loop(BaseModel):
    count: int = 0
    limit: int = 6
    pings: Annotated[list[str], operator.add] = []


def tick(state: Loop) -> dict:
    return {"count": state.count + 1}


def again(state: Loop) -> object:
    if state.count < state.limit:
        return "tick"
    return RouteDecision.wait_for_event("ping", "done")


loop = ManifestBuilder(graph_name="loop", state_model=Loop, steps_per_execution=4)
loop.set_entrypoint("tick")
loop.add_node("tick", tick, route=again, route_targets=["tick", "done"])
loop.add_node("done", lambda s: {"pings": ["done"]}, terminal=True)
loop.add_event_handler("ping", lambda s, p: {"pings": [str(p)]})
runtime.register_registration(loop.build())
