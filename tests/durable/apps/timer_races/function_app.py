"""Graphs whose durable timers race the work they guard (tests/engine/test_timer_races.py).

Every node and the event handler can be held busy until the test creates a gate file
named in the state, so a test decides whether a timer fires before or after the work
it guards finishes.
"""

import operator
import os
import time
from datetime import timedelta
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel

from azure_functions_durable_graph import DurableGraphApp, ManifestBuilder, RouteDecision

runtime = DurableGraphApp()
app = runtime.function_app


class Race(BaseModel):
    gates: dict[str, str] = {}  # node or "handler" -> the file that lets it finish
    started: str = ""  # the event handler creates this file when it starts
    log: Annotated[list[str], operator.add] = []


def hold(state: Race, name: str) -> None:
    gate = state.gates.get(name, "")
    deadline = time.monotonic() + 30
    while gate and not os.path.exists(gate) and time.monotonic() < deadline:
        time.sleep(0.005)


def worker(name: str):
    def run(state: Race) -> dict:
        hold(state, name)
        return {"log": [f"done:{name}"]}

    return run


def late(name: str):
    return lambda state: {"log": [f"late:{name}"]}


# -- "siblings": a (timeout 10 s) and b (timeout 20 s) run beside c (no timeout) ------------

siblings = ManifestBuilder(graph_name="siblings", state_model=Race)
siblings.set_entrypoint("start")
siblings.add_node("start", lambda s: None, next_node=["a", "b", "c"])
for name, seconds in (("a", 10), ("b", 20)):
    siblings.add_node(
        name,
        worker(name),
        timeout=timedelta(seconds=seconds),
        on_error=f"{name}_late",
        terminal=True,
    )
    siblings.add_node(f"{name}_late", late(name), terminal=True)
siblings.add_node("c", worker("c"), terminal=True)
runtime.register_registration(siblings.build())


# -- "deadline": a wait for "answer" with a 1-hour deadline ---------------------------------


def answer(state: Race, payload: str) -> dict:
    if state.started:
        Path(state.started).write_text("started", encoding="utf-8")
    hold(state, "handler")
    return {"log": [f"answer:{payload}"]}


deadline = ManifestBuilder(graph_name="deadline", state_model=Race)
deadline.set_entrypoint("ask")
deadline.add_node(
    "ask",
    lambda s: None,
    route=lambda s: RouteDecision.wait_for_event(
        "answer", "accepted", timeout=timedelta(hours=1), timeout_node="expired"
    ),
    route_targets=["accepted", "expired"],
)
deadline.add_node("accepted", lambda s: {"log": ["accepted"]}, terminal=True)
deadline.add_node("expired", lambda s: {"log": ["expired"]}, terminal=True)
deadline.add_event_handler("answer", answer)
runtime.register_registration(deadline.build())
