"""The activity bodies: one call runs handler + merge + route; errors come back as data."""

from __future__ import annotations

import asyncio
import json
import threading

from pydantic import BaseModel

from azure_functions_durable_graph import ManifestBuilder, RouteDecision
from azure_functions_durable_graph.compat.engine_v1.activities import apply_event, run_node_step
from azure_functions_durable_graph.compat.engine_v1.envelope import unwrap_event_payload
from azure_functions_durable_graph.durable.wire import wrap_event_payload
from azure_functions_durable_graph.graph.registry import GraphRegistry


class State(BaseModel):
    count: int = 0
    note: str = ""
    thread: str = ""


def add(amount: int):
    """One factory, many nodes: handlers are found by node name, not by qualname."""

    def handler(state: State) -> dict:
        return {"count": state.count + amount}

    return handler


async def async_node(state: State) -> dict:
    await asyncio.sleep(0)
    return {"note": "async"}


class AsyncCallable:
    async def __call__(self, state: State) -> dict:
        return {"note": "callable object"}


async def async_route(state: State) -> str:
    return "done" if state.count > 1 else "__complete__"


def registry() -> tuple[GraphRegistry, str]:
    b = ManifestBuilder(graph_name="steps", state_model=State)
    b.set_entrypoint("one")
    b.add_node("one", add(1), next_node="two")
    b.add_node("two", add(2), route=async_route)
    b.add_node("async", async_node, next_node="done")
    b.add_node("callable", AsyncCallable(), route=lambda s: {"next_node": "done"})
    b.add_node("sync_thread", lambda s: {"thread": threading.current_thread().name}, terminal=True)
    b.add_node("boom", lambda s: 1 / 0, terminal=True)
    b.add_node("bad_route", add(0), route=lambda s: "nowhere")
    b.add_node("raising_route", add(0), route=lambda s: {}["missing"])
    b.add_node("bad_merge", lambda s: ["not", "a", "dict"], terminal=True)
    b.add_node("wait", add(0), route=lambda s: RouteDecision.wait_for_event("poke", "done"))
    b.add_node("done", lambda s: None, terminal=True)
    b.add_event_handler("poke", lambda s, payload: {"note": json.dumps(payload)})
    b.add_event_handler("explode", lambda s, payload: payload["missing"])
    reg = b.build()
    r = GraphRegistry()
    r.register(reg)
    return r, reg.graph_hash


def step(node: str, state: dict | None = None) -> dict:
    r, h = registry()
    request = {"graph_name": "steps", "graph_hash": h, "node": node, "state": state or {}}
    return asyncio.run(run_node_step(r, request))


def event(name: str, payload: object) -> dict:
    r, h = registry()
    request = {
        "graph_name": "steps",
        "graph_hash": h,
        "event_name": name,
        "payload": payload,
        "state": {},
    }
    return asyncio.run(apply_event(r, request))


def test_static_edge_needs_no_route_code():
    result = step("one")
    assert result == {
        "ok": True,
        "state": {"count": 1, "note": "", "thread": ""},
        "decision": RouteDecision.next("two").to_dict(),
    }


def test_factory_made_handlers_are_distinct_nodes():
    assert step("two", {"count": 5})["state"]["count"] == 7


def test_async_route_runs_after_the_merge():
    assert step("two", {"count": 0})["decision"] == RouteDecision.next("done").to_dict()
    assert step("two", {"count": -5})["decision"] == RouteDecision.complete().to_dict()


def test_async_node_handler():
    assert step("async")["state"]["note"] == "async"


def test_async_callable_object_and_lambda_route():
    result = step("callable")
    assert result["state"]["note"] == "callable object"
    assert result["decision"] == RouteDecision.next("done").to_dict()


def test_sync_handlers_run_off_the_event_loop_thread():
    assert step("sync_thread")["state"]["thread"] != threading.current_thread().name


def test_terminal_node_completes():
    assert step("done")["decision"] == RouteDecision.complete().to_dict()


def test_wait_for_event_decision():
    assert step("wait")["decision"] == RouteDecision.wait_for_event("poke", "done").to_dict()


def test_handler_exception_is_reported_with_node_and_type():
    assert step("boom") == {
        "ok": False,
        "error": {
            "type": "NodeExecutionError",
            "message": "Graph 'steps', node 'boom' raised ZeroDivisionError: division by zero",
        },
    }


def test_route_exception_is_reported_as_the_route_of_the_node():
    assert step("raising_route")["error"]["message"] == (
        "Graph 'steps', route of node 'raising_route' raised KeyError: 'missing'"
    )


def test_route_to_unknown_node_is_reported():
    result = step("bad_route")
    assert result["error"]["type"] == "RouteError"
    assert result["error"]["message"].startswith(
        "Graph 'steps', node 'bad_route': route chose next node 'nowhere', which is not a node"
    )


def test_bad_merge_is_reported():
    result = step("bad_merge")
    assert result["error"] == {
        "type": "StateMergeError",
        "message": "Graph 'steps', node 'bad_merge': returned list ['not', 'a', 'dict']; "
        "expected a dict of state updates, a State or None",
    }


def test_unregistered_hash_is_reported():
    r, _ = registry()
    request = {"graph_name": "steps", "graph_hash": "feed", "node": "one", "state": {}}
    result = asyncio.run(run_node_step(r, request))
    assert result["error"]["type"] == "GraphVersionNotRegistered"
    assert "hash 'feed' is not registered" in result["error"]["message"]


def test_event_handler_gets_the_payload_however_it_was_encoded():
    payload = {"ok": True, "n": [1, 2]}
    wrapped = wrap_event_payload("poke", payload)
    for raw in (wrapped, json.dumps(wrapped), payload, json.dumps(payload)):
        assert event("poke", raw)["state"]["note"] == json.dumps(payload)


def test_string_payloads_survive_the_envelope():
    assert unwrap_event_payload(json.dumps(wrap_event_payload("e", '{"a": 1}'))) == '{"a": 1}'
    assert unwrap_event_payload("plain text") == "plain text"


def test_event_handler_exception_is_reported():
    assert event("explode", {})["error"] == {
        "type": "NodeExecutionError",
        "message": "Graph 'steps', event handler 'explode' raised KeyError: 'missing'",
    }
