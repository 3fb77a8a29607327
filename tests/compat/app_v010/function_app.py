"""The graphs whose 0.1.0 runs are kept under tests/compat/recorded_v010.

This file must not change: the recorded runs pin these graphs' hashes, and the
compatibility tests check that the current runtime still resolves and finishes
them (docs/compatibility.md).
"""

from datetime import timedelta

from pydantic import BaseModel

from azure_functions_durable_graph import DurableGraphApp, ManifestBuilder, RouteDecision

runtime = DurableGraphApp()
app = runtime.function_app


class Counter(BaseModel):
    count: int = 0
    limit: int = 3
    log: list[str] = []


def bump(state: Counter) -> dict:
    return {"count": state.count + 1, "log": [*state.log, f"bump {state.count + 1}"]}


def loop_or_done(state: Counter) -> str:
    return "bump" if state.count < state.limit else "done"


counter = ManifestBuilder(graph_name="counter", state_model=Counter)
counter.set_entrypoint("bump")
counter.add_node("bump", bump, route=loop_or_done, route_targets=["bump", "done"])
counter.add_node("done", lambda s: {"log": [*s.log, "done"]}, terminal=True)
runtime.register_registration(counter.build())


class Expense(BaseModel):
    amount: int
    approved: bool | None = None
    outcome: str = ""
    notes: list[str] = []


def classify(state: Expense) -> dict:
    return {"notes": [*state.notes, "classified"]}


def wait_for_manager(state: Expense) -> RouteDecision:
    if state.amount > 100:
        return RouteDecision.wait_for_event("manager_approval", "apply_decision")
    return RouteDecision.next("apply_decision")


def wait_with_deadline(state: Expense) -> RouteDecision:
    return RouteDecision.wait_for_event(
        "manager_approval",
        "apply_decision",
        timeout=timedelta(hours=72),
        timeout_node="escalate",
    )


def apply_decision(state: Expense) -> dict:
    return {"outcome": "paid" if state.approved else "rejected"}


def merge_approval(state: Expense, payload: dict) -> dict:
    return {"approved": bool(payload.get("approved")), "notes": [*state.notes, "approval"]}


for name, route in (("approval", wait_for_manager), ("deadline", wait_with_deadline)):
    graph = ManifestBuilder(graph_name=name, state_model=Expense)
    graph.set_entrypoint("classify")
    graph.add_node("classify", classify, route=route)
    graph.add_node("apply_decision", apply_decision, terminal=True)
    graph.add_node("escalate", lambda s: {"outcome": "escalated"}, terminal=True)
    graph.add_event_handler("manager_approval", merge_approval)
    runtime.register_registration(graph.build())
