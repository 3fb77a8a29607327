"""The sample graph service the bad-input table, the fuzz run and the load test drive.

`orders` has required input fields and waits for an event; `counter` runs
straight through from an all-default state. Routes are anonymous so the
fuzzer needs no key; the request limit is the default.
"""

import azure.functions as func
from pydantic import BaseModel, Field

from azure_functions_durable_graph import DurableGraphApp, ManifestBuilder, RouteDecision

runtime = DurableGraphApp(http_auth_level=func.AuthLevel.ANONYMOUS)
app = runtime.function_app


class Order(BaseModel):
    sku: str = Field(min_length=1, max_length=40)
    quantity: int = Field(default=1, ge=1, le=1000)
    approved: bool | None = None
    shipped: bool = False


def check(state: Order) -> dict:
    return {}


def route_after_check(state: Order) -> RouteDecision:
    if state.quantity > 10:
        return RouteDecision.wait_for_event(event_name="approval", resume_node="ship")
    return RouteDecision.next("ship")


def approve(state: Order, payload: object) -> dict:
    approved = payload.get("approved") if isinstance(payload, dict) else None
    return {"approved": approved is True}


def ship(state: Order) -> dict:
    return {"shipped": state.approved is not False}


orders = ManifestBuilder(graph_name="orders", state_model=Order, version="1")
orders.set_entrypoint("check")
orders.add_node("check", check, route=route_after_check)
orders.add_node("ship", ship, terminal=True)
orders.add_event_handler("approval", approve)
runtime.register_registration(orders.build())


class Counter(BaseModel):
    count: int = 0


counter = ManifestBuilder(graph_name="counter", state_model=Counter, version="1")
counter.set_entrypoint("bump")
counter.add_node("bump", lambda s: {"count": s.count + 1}, terminal=True)
runtime.register_registration(counter.build())
