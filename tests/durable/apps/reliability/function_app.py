"""Graphs for events, interrupts, retries, timeouts, error routes and bounded history.

tests/durable/test_events.py, test_interrupts.py, test_failures.py and test_bounded_history.py
drive them over HTTP on the local host with a virtual clock. A node can be held busy
until the test creates the file named by the state's `gate`, so a test can act while an
activity is running.
"""

import operator
import os
import time
from datetime import timedelta
from typing import Annotated

from pydantic import BaseModel

from azure_functions_durable_graph import (
    DurableGraphApp,
    ManifestBuilder,
    RetryPolicy,
    RouteDecision,
    interrupt,
    node_error,
)

runtime = DurableGraphApp()
app = runtime.function_app


class Ledger(BaseModel):
    gate: str = ""
    expected: int = 1
    fail_first: int = 0
    log: Annotated[list[str], operator.add] = []
    deposits: int = 0


def hold(state: "Ledger | Interview | Job") -> None:
    """Block until the test opens the gate (a file), so events arrive mid-activity."""
    deadline = time.monotonic() + 20
    while state.gate and not os.path.exists(state.gate) and time.monotonic() < deadline:
        time.sleep(0.01)


ATTEMPTS: dict[str, int] = {}


def work(state: Ledger) -> dict:
    hold(state)
    key = state.gate or "work"
    ATTEMPTS[key] = ATTEMPTS.get(key, 0) + 1
    if ATTEMPTS[key] <= state.fail_first:
        raise ConnectionError(f"attempt {ATTEMPTS[key]} failed")
    return {"log": [f"work after {ATTEMPTS[key]} attempt(s)"]}


def wait_for_deposit(state: Ledger) -> RouteDecision:
    if state.deposits >= state.expected:
        return RouteDecision.complete()
    return RouteDecision.wait_for_event("deposit", "record")


class Deposit(BaseModel):
    amount: int


def deposit(state: Ledger, payload: Deposit) -> dict:
    if payload.amount == 13:
        raise ValueError("13 is not accepted")
    return {"log": [f"+{payload.amount}"], "deposits": state.deposits + 1}


ledger = ManifestBuilder(graph_name="ledger", state_model=Ledger)
ledger.set_entrypoint("work")
ledger.add_node(
    "work",
    work,
    route=wait_for_deposit,
    retry=RetryPolicy(initial_interval=10, jitter=False, max_attempts=3),
)
ledger.add_node("record", lambda s: {"log": ["recorded"]}, route=wait_for_deposit)
ledger.add_event_handler("deposit", deposit, payload_model=Deposit)
runtime.register_registration(ledger.build())


# -- "timed": a wait that times out, then a second wait for the same event ---------------


class Chat(BaseModel):
    replies: Annotated[list[str], operator.add] = []
    path: Annotated[list[str], operator.add] = []


def ask(state: Chat) -> RouteDecision:
    return RouteDecision.wait_for_event(
        "reply", "got", timeout=timedelta(hours=1), timeout_node="nudge"
    )


timed = ManifestBuilder(graph_name="timed", state_model=Chat)
timed.set_entrypoint("ask")
timed.add_node("ask", lambda s: {"path": ["ask"]}, route=ask, route_targets=["got", "nudge"])
timed.add_node(
    "nudge",
    lambda s: {"path": ["nudge"]},
    route=lambda s: RouteDecision.wait_for_event("reply", "got"),
    route_targets=["got"],
)
timed.add_node("got", lambda s: {"path": ["got"]}, terminal=True)
timed.add_event_handler("reply", lambda s, text: {"replies": [text]})
runtime.register_registration(timed.build())


# -- "interview": interrupts, one node asking twice, and two parallel branches --------------


class Interview(BaseModel):
    answers: Annotated[list[str], operator.add] = []
    runs: Annotated[list[str], operator.add] = []
    gate: str = ""


def ask_twice(state: Interview) -> dict:
    name = interrupt({"question": "name?"})
    age = interrupt({"question": "age?"})
    return {"answers": [f"{name}", f"{age}"]}


interview = ManifestBuilder(graph_name="interview", state_model=Interview)
interview.set_entrypoint("ask")
interview.add_node("ask", ask_twice, terminal=True)
runtime.register_registration(interview.build())


def branch(label: str):
    def ask(state: Interview) -> dict:
        answer = interrupt(f"approve {label}?")
        if label == "legal":
            hold(state)  # type: ignore[arg-type]  # a test can keep the re-run busy
        return {"answers": [f"{label}={answer}"]}

    return ask


panel = ManifestBuilder(graph_name="panel", state_model=Interview)
panel.set_entrypoint("start")
panel.add_node("start", lambda s: {"runs": ["start"]}, next_node=["legal", "finance", "ops"])
panel.add_node("legal", branch("legal"), next_node="decide")
panel.add_node("finance", branch("finance"), next_node="decide")
panel.add_node("ops", lambda s: {"runs": ["ops"]}, next_node="decide")
panel.add_node("decide", lambda s: {"runs": ["decide"]}, terminal=True)
runtime.register_registration(panel.build())


# -- "fragile": timeouts, non-retryable errors and error routes ------------------------------


class Job(BaseModel):
    gate: str = ""
    mode: str = "ok"
    log: Annotated[list[str], operator.add] = []


def slow(state: Job) -> dict:
    key = f"slow:{state.gate}"
    ATTEMPTS[key] = ATTEMPTS.get(key, 0) + 1
    if ATTEMPTS[key] == 1:
        hold(state)  # the first attempt outlives its timeout
        return {"log": ["late result of attempt 1"]}
    return {"log": [f"attempt {ATTEMPTS[key]} in time"]}


def risky(state: Job) -> dict:
    if state.mode == "type":
        raise TypeError("a bug, not worth retrying")
    raise ConnectionError("network down")


def recover(state: Job) -> dict:
    error = node_error()
    assert error is not None
    return {"log": [f"recovered from {error.node}: {error.error_type} after {error.attempts}"]}


fragile = ManifestBuilder(graph_name="fragile", state_model=Job)
fragile.set_entrypoint("route")
fragile.add_node(
    "route",
    lambda s: None,
    route=lambda s: "slow" if s.mode == "slow" else "risky",
    route_targets=["slow", "risky"],
)
fragile.add_node(
    "slow",
    slow,
    timeout=timedelta(seconds=30),
    retry=RetryPolicy(max_attempts=2, initial_interval=1, jitter=False),
    terminal=True,
)
fragile.add_node(
    "risky",
    risky,
    retry=RetryPolicy(max_attempts=2, initial_interval=5, jitter=False),
    on_error="recover",
    terminal=True,
)
fragile.add_node("recover", recover, terminal=True)
runtime.register_registration(fragile.build())


# -- "loop": a long loop; its history is bounded by continue-as-new --------------------------


class Loop(BaseModel):
    count: int = 0
    limit: int = 10
    pings: Annotated[list[str], operator.add] = []


def tick(state: Loop) -> dict:
    return {"count": state.count + 1}


def again(state: Loop) -> object:
    if state.count < state.limit:
        return "tick"
    return RouteDecision.wait_for_event("ping", "done") if state.limit < 1000 else "done"


loop = ManifestBuilder(graph_name="loop", state_model=Loop, max_steps=10_000, steps_per_execution=7)
loop.set_entrypoint("tick")
loop.add_node("tick", tick, route=again, route_targets=["tick", "done"])
loop.add_node("done", lambda s: {"pings": ["done"]}, terminal=True)
loop.add_event_handler("ping", lambda s, p: {"pings": [str(p)]})
runtime.register_registration(loop.build())

long_loop = ManifestBuilder(graph_name="long_loop", state_model=Loop, max_steps=10_000)
long_loop.set_entrypoint("tick")
long_loop.add_node("tick", tick, route=again, route_targets=["tick", "done"])
long_loop.add_node("done", lambda s: {"pings": ["done"]}, terminal=True)
runtime.register_registration(long_loop.build())


# -- "escrow": a parent whose subgraph (the ledger) waits for an event ---------------------


class Escrow(BaseModel):
    expected: int = 1
    log: Annotated[list[str], operator.add] = []


escrow = ManifestBuilder(graph_name="escrow", state_model=Escrow)
escrow.set_entrypoint("open")
escrow.add_node("open", lambda s: {"log": ["opened"]}, next_node="ledger")
escrow.add_node("ledger", ledger.build(), next_node="close")
escrow.add_node("close", lambda s: {"log": ["closed"]}, terminal=True)
runtime.register_registration(escrow.build())


# -- "big_question": an interrupt value too large for Azure's 16 KB custom status -----------

big = ManifestBuilder(graph_name="big_question", state_model=Interview)
big.set_entrypoint("ask")
big.add_node("ask", lambda s: {"answers": [str(interrupt("x" * 20_000))]}, terminal=True)
runtime.register_registration(big.build())


# -- "approval_form": an interrupt whose answers an answer_model validates -----------------


class Approval(BaseModel):
    approved: bool
    note: str = ""


def ask_approval(state: Interview) -> dict:
    answer = Approval.model_validate(interrupt({"question": "approve?"}))
    return {"answers": [f"approved={answer.approved} note={answer.note}"]}


approval_form = ManifestBuilder(graph_name="approval_form", state_model=Interview)
approval_form.set_entrypoint("ask")
approval_form.add_node("ask", ask_approval, terminal=True, answer_model=Approval)
runtime.register_registration(approval_form.build())


# -- "paced": a loop with a breakpoint before "done" (the builder's interrupt_before) ------


def step_up(state: Loop) -> dict:
    return {"count": state.count + 1}


def more(state: Loop) -> str:
    return "tick" if state.count < state.limit else "done"


# Two supersteps per execution: pauses and their answers cross continue-as-new.
paced = ManifestBuilder(
    graph_name="paced", state_model=Loop, steps_per_execution=2, interrupt_before=["done"]
)
paced.set_entrypoint("tick")
paced.add_node("tick", step_up, route=more, route_targets=["tick", "done"])
paced.add_node("done", lambda s: {"pings": ["done"]}, terminal=True)
runtime.register_registration(paced.build())
