"""The orchestrator through the real azure-functions-durable replay, episode by episode."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from azure_functions_durable_graph import DurableGraphApp, ManifestBuilder, RouteDecision
from azure_functions_durable_graph.graph.orchestration import (
    EVENT_ACTIVITY,
    NODE_ACTIVITY,
    ORCHESTRATOR_NAME,
)
from azure_functions_durable_graph.graph.wire import wrap_event_payload
from tests.graph.history import (
    WAIT_FOR_EXTERNAL_EVENT,
    Replay,
    functions_by_name,
    run_activity,
    run_until_blocked,
    scheduled_tasks,
)


class MyState(BaseModel):
    message: str
    processed: bool = False


def process(state: MyState) -> dict:
    return {"processed": True}


def finalize(state: MyState) -> dict:
    return {"message": f"Done: {state.message}"}


class Expense(BaseModel):
    amount: int
    approved: bool | None = None
    outcome: str = ""


def classify(state: Expense) -> None:
    return None


def route_after_classify(state: Expense) -> RouteDecision:
    if state.amount > 100:
        return RouteDecision.wait_for_event(
            event_name="manager_approval", resume_node="apply_decision"
        )
    return RouteDecision.next("auto_approve")


async def merge_approval(state: Expense, payload: dict) -> dict:
    return {"approved": payload["approved"]}


class Counter(BaseModel):
    count: int = 0


def make_app() -> DurableGraphApp:
    runtime = DurableGraphApp()

    b = ManifestBuilder(graph_name="my_graph", state_model=MyState)
    b.set_entrypoint("process")
    b.add_node("process", process, next_node="finalize")
    b.add_node("finalize", finalize, terminal=True)
    runtime.register_registration(b.build())

    e = ManifestBuilder(graph_name="expenses", state_model=Expense)
    e.set_entrypoint("classify")
    e.add_node("classify", classify, route=route_after_classify)
    e.add_node("auto_approve", lambda s: {"approved": True}, next_node="apply_decision")
    e.add_node(
        "apply_decision",
        lambda s: {"outcome": "paid" if s.approved else "rejected"},
        terminal=True,
    )
    e.add_event_handler("manager_approval", merge_approval)
    runtime.register_registration(e.build())

    loop = ManifestBuilder(graph_name="loop", state_model=Counter, max_steps=3)
    loop.set_entrypoint("tick")
    loop.add_node("tick", lambda s: {"count": s.count + 1}, next_node="tick")
    runtime.register_registration(loop.build())

    def explode(state: Counter) -> dict:
        raise ValueError("kaboom")

    failing = ManifestBuilder(graph_name="failing", state_model=Counter)
    failing.set_entrypoint("start")
    failing.add_node("start", lambda s: None, next_node="explode")
    failing.add_node("explode", explode, terminal=True)
    runtime.register_registration(failing.build())
    return runtime


@pytest.fixture(scope="module")
def runtime() -> DurableGraphApp:
    return make_app()


@pytest.fixture(scope="module")
def functions(runtime: DurableGraphApp) -> dict:
    return functions_by_name(runtime.function_app)


def start(runtime: DurableGraphApp, functions: dict, graph: str, state: dict) -> Replay:
    reg = runtime.registry.latest(graph)
    run_input = {"graph_name": graph, "graph_hash": reg.graph_hash, "state": state}
    return Replay(functions[ORCHESTRATOR_NAME], ORCHESTRATOR_NAME, run_input)


def test_one_activity_per_node_step_with_status_and_output(runtime, functions):
    replay = start(runtime, functions, "my_graph", {"message": "hi"})
    manifest = runtime.registry.latest("my_graph").manifest

    final = run_until_blocked(replay, functions)

    tasks = scheduled_tasks(replay)
    assert [t["Name"] for t in tasks] == [NODE_ACTIVITY, NODE_ACTIVITY]
    assert [json.loads(t["Input"])["node"] for t in tasks] == ["process", "finalize"]
    # every episode before the last scheduled exactly one activity
    assert [len(ep.new_actions) for ep in replay.episodes] == [1, 1, 0]
    first_status = replay.episodes[0].custom_status
    assert first_status == {
        "graph": "my_graph",
        "version": "1",
        "hash": manifest.graph_hash,
        "node": "process",
        "step": 1,
        "waiting": None,
    }
    assert replay.episodes[1].custom_status["node"] == "finalize"
    assert replay.episodes[1].custom_status["step"] == 2
    assert final.is_done and final.error is None
    assert final.output == {
        "graph": "my_graph",
        "version": "1",
        "hash": manifest.graph_hash,
        "final_node": "finalize",
        "steps": 2,
        "path": ["process", "finalize"],
        "state": {"message": "Done: hi", "processed": True},
    }


def test_wait_for_event_then_event_activity_then_resume_node(runtime, functions):
    replay = start(runtime, functions, "expenses", {"amount": 500})

    waiting = run_until_blocked(replay, functions)

    assert not waiting.is_done
    assert [a["actionType"] for a in waiting.new_actions] == [WAIT_FOR_EXTERNAL_EVENT]
    assert waiting.new_actions[0]["externalEventName"] == "manager_approval"
    assert waiting.custom_status["node"] == "classify"
    assert waiting.custom_status["waiting"] == {
        "event_name": "manager_approval",
        "resume_node": "apply_decision",
    }

    # DurableOrchestrationClient.raise_event JSON-encodes the data twice.
    payload = wrap_event_payload("manager_approval", {"approved": False})
    replay.raise_event("manager_approval", json.dumps(json.dumps(payload)))
    applying = replay.run_episode()
    assert [a["functionName"] for a in applying.new_actions] == [EVENT_ACTIVITY]
    replay.schedule_and_complete(
        applying.new_actions[0], run_activity(functions, applying.new_actions[0])
    )

    final = run_until_blocked(replay, functions)
    assert final.is_done
    assert final.output["final_node"] == "apply_decision"
    assert final.output["steps"] == 2  # classify, apply_decision; the event is not a step
    assert final.output["state"] == {"amount": 500, "approved": False, "outcome": "rejected"}
    assert final.custom_status["waiting"] is None
    assert [t["Name"] for t in scheduled_tasks(replay)] == [
        NODE_ACTIVITY,
        EVENT_ACTIVITY,
        NODE_ACTIVITY,
    ]


def test_event_raised_directly_with_a_plain_payload(runtime, functions):
    replay = start(runtime, functions, "expenses", {"amount": 500})
    run_until_blocked(replay, functions)

    replay.raise_event("manager_approval", json.dumps({"approved": True}))
    final = run_until_blocked(replay, functions)

    assert final.output["state"]["outcome"] == "paid"


def test_static_edge_route_skips_waiting(runtime, functions):
    replay = start(runtime, functions, "expenses", {"amount": 5})

    final = run_until_blocked(replay, functions)

    nodes = [json.loads(t["Input"])["node"] for t in scheduled_tasks(replay)]
    assert nodes == ["classify", "auto_approve", "apply_decision"]
    assert final.output["state"] == {"amount": 5, "approved": True, "outcome": "paid"}


def test_handler_error_fails_the_run_naming_node_and_exception(runtime, functions):
    replay = start(runtime, functions, "failing", {})

    final = run_until_blocked(replay, functions)

    assert final.error == "Graph 'failing', node 'explode' raised ValueError: kaboom"
    assert len(scheduled_tasks(replay)) == 2


def test_step_limit_stops_a_loop(runtime, functions):
    replay = start(runtime, functions, "loop", {})

    final = run_until_blocked(replay, functions)

    assert len(scheduled_tasks(replay)) == 3
    assert final.error == (
        "Graph 'loop' exceeded its step limit of 3 steps before node 'tick'; "
        "raise max_steps in ManifestBuilder(...) if the loop is intended"
    )


def test_run_of_an_unregistered_hash_fails_saying_so(runtime, functions):
    run_input = {"graph_name": "my_graph", "graph_hash": "0000000000000000", "state": {}}
    replay = Replay(functions[ORCHESTRATOR_NAME], ORCHESTRATOR_NAME, run_input)

    final = replay.run_episode()

    current = runtime.registry.latest("my_graph").graph_hash
    assert final.error == (
        "Graph 'my_graph' version with hash '0000000000000000' is not registered in this app "
        f"(registered hashes for this graph: {current}); keep the old registration deployed "
        "until its runs finish"
    )
    assert final.new_actions == []


def test_malformed_run_input_fails_clearly(functions):
    replay = Replay(functions[ORCHESTRATOR_NAME], ORCHESTRATOR_NAME, {"graph": "x"})

    final = replay.run_episode()

    assert final.error is not None
    assert final.error.startswith('a graph run\'s input must be {"graph_name": str')


def test_failed_activity_task_surfaces(runtime, functions):
    replay = start(runtime, functions, "my_graph", {"message": "hi"})
    first = replay.run_episode()

    replay.schedule_and_fail(
        first.new_actions[0],
        f"Activity function '{NODE_ACTIVITY}' failed:  RuntimeError: worker died",
        "Traceback ...",
    )
    final = replay.run_episode()

    assert final.error is not None
    assert "RuntimeError: worker died" in final.error


def test_replay_is_deterministic(runtime, functions):
    """Replaying a finished history yields the same actions and output again."""
    replay = start(runtime, functions, "expenses", {"amount": 5})
    final = run_until_blocked(replay, functions)

    again = replay.run_episode()

    assert again.actions == final.actions
    assert again.output == final.output
