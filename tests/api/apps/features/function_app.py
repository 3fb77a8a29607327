"""Several graphs on one app, each showing one feature; tests/api/test_features_end_to_end.py
runs them over HTTP on the local host."""

import asyncio
from datetime import timedelta

from pydantic import BaseModel

from azure_functions_durable_graph import DurableGraphApp, ManifestBuilder, RouteDecision

runtime = DurableGraphApp()
app = runtime.function_app


# -- "my_graph": static edges only (the README's first graph) ----------------------------


class MyState(BaseModel):
    message: str
    processed: bool = False


def process(state: MyState) -> dict:
    return {"processed": True}


def finalize(state: MyState) -> dict:
    return {"message": f"Done: {state.message}"}


my_graph = ManifestBuilder(graph_name="my_graph", state_model=MyState)
my_graph.set_entrypoint("process")
my_graph.add_node("process", process, next_node="finalize")
my_graph.add_node("finalize", finalize, terminal=True)
runtime.register_registration(my_graph.build())


# -- "routes": every form a route may return, picked by the input's `form` ---------------


class Pick(BaseModel):
    form: str
    note: str = ""


ROUTE_RETURNS = {
    "RouteDecision.next": RouteDecision.next("chosen"),
    "RouteDecision.complete": RouteDecision.complete(),
    "RouteDecision.wait_for_event": RouteDecision.wait_for_event(
        event_name="nudge", resume_node="chosen"
    ),
    "plain string": "chosen",
    "__complete__": "__complete__",
    "dict": {"kind": "next", "next_node": "chosen"},
    "dict without kind": {"event_name": "nudge", "resume_node": "chosen"},
    "None": None,  # falls back to the static next_node, "fallback"
}


async def route_by_form(state: Pick) -> object:
    return ROUTE_RETURNS[state.form]


routes = ManifestBuilder(graph_name="routes", state_model=Pick)
routes.set_entrypoint("pick")
routes.add_node("pick", lambda s: None, next_node="fallback", route=route_by_form)
# A route returning None on a node without next_node completes the run.
routes.add_node("chosen", lambda s: {"note": "chosen"}, route=lambda s: None)
routes.add_node("fallback", lambda s: {"note": "fallback"}, terminal=True)
routes.add_event_handler("nudge", lambda s, payload: {"note": f"nudged {payload}"})
runtime.register_registration(routes.build())


# -- "kinds": sync, async, factory-made and lambda handlers ------------------------------


class Tally(BaseModel):
    count: int = 0
    notes: list[str] = []


def add(amount: int):
    """One factory, many nodes: handlers are found by node name."""

    def handler(state: Tally) -> dict:
        return {"count": state.count + amount}

    return handler


async def double(state: Tally) -> dict:
    await asyncio.sleep(0)
    return {"count": state.count * 2}


kinds = ManifestBuilder(graph_name="kinds", state_model=Tally)
kinds.set_entrypoint("add_one")
kinds.add_node("add_one", add(1), next_node="add_two")
kinds.add_node("add_two", add(2), next_node="double")
kinds.add_node("double", double, next_node="summarise")
kinds.add_node(
    "summarise", lambda s: Tally(count=s.count, notes=[f"count={s.count}"]), terminal=True
)
runtime.register_registration(kinds.build())


# -- "approvals": two events, merged by their handlers ------------------------------------


class Approval(BaseModel):
    amount: int
    approved: bool | None = None
    comment: str = ""
    outcome: str = ""


def route_after_classify(state: Approval) -> RouteDecision:
    if state.amount > 100:
        return RouteDecision.wait_for_event(event_name="manager_approval", resume_node="review")
    return RouteDecision.next("apply_decision")


async def merge_approval(state: Approval, payload: dict) -> dict:
    return {"approved": payload["approved"]}


def merge_comment(state: Approval, payload: str) -> dict:
    return {"comment": payload}


approvals = ManifestBuilder(graph_name="approvals", state_model=Approval)
approvals.set_entrypoint("classify")
approvals.add_node(
    "classify",
    lambda s: None,
    route=route_after_classify,
    route_targets=["review", "apply_decision"],
)
approvals.add_node(
    "review",
    lambda s: None,
    route=lambda s: RouteDecision.wait_for_event("finance_comment", "apply_decision"),
    route_targets=["apply_decision"],
)
approvals.add_node(
    "apply_decision",
    lambda s: {"outcome": "paid" if s.approved or s.amount <= 100 else "rejected"},
    terminal=True,
)
approvals.add_event_handler("manager_approval", merge_approval)
approvals.add_event_handler("finance_comment", merge_comment)
runtime.register_registration(approvals.build())


# -- "countdown": a node that routes back to itself (its path repeats it) ----------------


class Counter(BaseModel):
    count: int = 0


countdown = ManifestBuilder(graph_name="countdown", state_model=Counter)
countdown.set_entrypoint("tick")
countdown.add_node(
    "tick",
    lambda s: {"count": s.count + 1},
    route=lambda s: "tick" if s.count < 3 else "__complete__",
    route_targets=["tick", "__complete__"],
)
runtime.register_registration(countdown.build())


# -- "runaway": a loop the step limit stops ----------------------------------------------

runaway = ManifestBuilder(graph_name="runaway", state_model=Counter, max_steps=3)
runaway.set_entrypoint("tick")
runaway.add_node("tick", lambda s: {"count": s.count + 1}, next_node="tick")
runtime.register_registration(runaway.build())


# -- "strict": a route that strays outside its declared route_targets --------------------

strict = ManifestBuilder(graph_name="strict", state_model=Counter)
strict.set_entrypoint("check")
strict.add_node("check", lambda s: None, route=lambda s: "rejected", route_targets=["approved"])
strict.add_node("approved", lambda s: None, terminal=True)
strict.add_node("rejected", lambda s: None, terminal=True)
runtime.register_registration(strict.build())


# -- "timed_approvals": a wait that gives up after 72 hours and escalates ----------------


class TimedApproval(BaseModel):
    amount: int
    to_director: bool = False  # escalate waits for a director instead of completing
    approved: bool | None = None
    approver: str = ""
    outcome: str = ""


def ask_manager(state: TimedApproval) -> RouteDecision:
    return RouteDecision.wait_for_event(
        event_name="manager_approval",
        resume_node="apply_decision",
        timeout=timedelta(hours=72),
        timeout_node="escalate",
    )


def after_escalation(state: TimedApproval) -> object:
    if state.to_director:
        return {"event_name": "director_approval", "resume_node": "apply_decision"}
    return "__complete__"


timed = ManifestBuilder(graph_name="timed_approvals", state_model=TimedApproval)
timed.set_entrypoint("classify")
timed.add_node(
    "classify", lambda s: None, route=ask_manager, route_targets=["apply_decision", "escalate"]
)
timed.add_node(
    "escalate",
    lambda s: {"outcome": "escalated"},
    route=after_escalation,
    route_targets=["apply_decision", "__complete__"],
)
timed.add_node(
    "apply_decision",
    lambda s: {"outcome": "paid" if s.approved else "rejected"},
    terminal=True,
)
timed.add_event_handler(
    "manager_approval", lambda s, p: {"approved": p["approved"], "approver": "manager"}
)
timed.add_event_handler(
    "director_approval", lambda s, p: {"approved": p["approved"], "approver": "director"}
)
runtime.register_registration(timed.build())
