"""A wait with a timeout through the real Durable SDK replay: the event races a durable timer."""

from __future__ import annotations

import json
from datetime import timedelta

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
    CALL_ACTIVITY,
    CREATE_TIMER,
    WAIT_FOR_EXTERNAL_EVENT,
    WHEN_ANY,
    Episode,
    Replay,
    functions_by_name,
    run_activity,
    run_until_blocked,
    scheduled_tasks,
)

TIMEOUT = timedelta(hours=72)


class Expense(BaseModel):
    amount: int
    on_timeout: str = "escalate"
    approved: bool | None = None
    outcome: str = ""


def ask_manager(state: Expense) -> RouteDecision:
    return RouteDecision.wait_for_event(
        event_name="manager_approval",
        resume_node="apply_decision",
        timeout=TIMEOUT,
        timeout_node=state.on_timeout,
    )


@pytest.fixture(scope="module")
def runtime() -> DurableGraphApp:
    runtime = DurableGraphApp()
    b = ManifestBuilder(graph_name="timed", state_model=Expense)
    b.set_entrypoint("classify")
    b.add_node("classify", lambda s: None, route=ask_manager)
    b.add_node(
        "apply_decision",
        lambda s: {"outcome": "paid" if s.approved else "rejected"},
        terminal=True,
    )
    b.add_node("escalate", lambda s: {"outcome": "escalated"}, terminal=True)
    b.add_event_handler("manager_approval", lambda s, payload: {"approved": payload["approved"]})
    runtime.register_registration(b.build())
    return runtime


@pytest.fixture(scope="module")
def functions(runtime: DurableGraphApp) -> dict:
    return functions_by_name(runtime.function_app)


def start(runtime: DurableGraphApp, functions: dict, **state: object) -> Replay:
    reg = runtime.registry.latest("timed")
    run_input = {"graph_name": "timed", "graph_hash": reg.graph_hash, "state": state}
    return Replay(functions[ORCHESTRATOR_NAME], ORCHESTRATOR_NAME, run_input)


def wait_until_racing(replay: Replay, functions: dict) -> tuple[Episode, dict, int]:
    """Run to the wait; record its timer as the extension would. Returns the WhenAny and id."""
    waiting = run_until_blocked(replay, functions)
    assert not waiting.is_done and waiting.error is None
    (race,) = waiting.new_actions
    timer_id = replay.create_timer(race["compoundActions"][1])
    return waiting, race, timer_id


def approval(approved: bool) -> str:
    # DurableOrchestrationClient.raise_event JSON-encodes the data twice.
    return json.dumps(json.dumps(wrap_event_payload("manager_approval", {"approved": approved})))


def test_the_wait_is_a_when_any_of_the_event_and_a_timer_at_the_deadline(runtime, functions):
    replay = start(runtime, functions, amount=500)

    waiting, race, _ = wait_until_racing(replay, functions)

    deadline = replay.episode_started_at() + TIMEOUT
    assert race["actionType"] == WHEN_ANY
    event, timer = race["compoundActions"]
    assert (event["actionType"], event["externalEventName"]) == (
        WAIT_FOR_EXTERNAL_EVENT,
        "manager_approval",
    )
    assert timer == {
        "actionType": CREATE_TIMER,
        "fireAt": deadline.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "isCanceled": False,
    }
    assert waiting.custom_status["node"] == "classify"
    assert waiting.custom_status["waiting"] == {
        "event_name": "manager_approval",
        "resume_node": "apply_decision",
        "timeout_node": "escalate",
        "deadline": deadline.isoformat(),
    }
    assert deadline.isoformat().endswith("+00:00")


def test_the_event_in_time_cancels_the_timer_and_resumes(runtime, functions):
    replay = start(runtime, functions, amount=500)
    wait_until_racing(replay, functions)

    replay.raise_event("manager_approval", approval(True))
    applying = replay.run_episode()

    assert [a["functionName"] for a in applying.new_actions] == [EVENT_ACTIVITY]
    race = next(a for a in applying.actions if a["actionType"] == WHEN_ANY)
    assert race["compoundActions"][1]["isCanceled"] is True
    replay.schedule_and_complete(
        applying.new_actions[0], run_activity(functions, applying.new_actions[0])
    )
    final = run_until_blocked(replay, functions)

    assert final.is_done and final.error is None
    assert final.output["path"] == ["classify", "apply_decision"]
    assert final.output["state"]["outcome"] == "paid"
    assert final.custom_status["waiting"] is None
    assert [t["Name"] for t in scheduled_tasks(replay)] == [
        NODE_ACTIVITY,
        EVENT_ACTIVITY,
        NODE_ACTIVITY,
    ]


def test_the_timer_first_continues_at_the_timeout_node_without_an_activity(runtime, functions):
    replay = start(runtime, functions, amount=500)
    _, race, timer_id = wait_until_racing(replay, functions)

    replay.fire_timer(timer_id, race["compoundActions"][1]["fireAt"])
    escalating = replay.run_episode()

    # the only new work is the timeout node's step: no event activity ran
    assert [(a["actionType"], json.loads(a["input"])["node"]) for a in escalating.new_actions] == [
        (CALL_ACTIVITY, "escalate")
    ]
    assert escalating.custom_status["waiting"] is None
    assert escalating.custom_status["step"] == 2
    replay.schedule_and_complete(
        escalating.new_actions[0], run_activity(functions, escalating.new_actions[0])
    )
    final = run_until_blocked(replay, functions)

    assert final.output["path"] == ["classify", "escalate"]
    assert final.output["final_node"] == "escalate"
    assert final.output["state"] == {
        "amount": 500,
        "on_timeout": "escalate",
        "approved": None,
        "outcome": "escalated",
    }


def test_an_event_behind_the_fired_timer_is_not_applied(runtime, functions):
    replay = start(runtime, functions, amount=500)
    _, race, timer_id = wait_until_racing(replay, functions)

    replay.fire_timer(timer_id, race["compoundActions"][1]["fireAt"])
    replay.raise_event("manager_approval", approval(True), new_episode=False)
    final = run_until_blocked(replay, functions)

    assert final.output["path"] == ["classify", "escalate"]
    assert final.output["state"]["approved"] is None
    assert EVENT_ACTIVITY not in [t["Name"] for t in scheduled_tasks(replay)]


def test_a_timeout_to_complete_ends_the_run_at_the_waiting_node(runtime, functions):
    replay = start(runtime, functions, amount=500, on_timeout="__complete__")
    _, race, timer_id = wait_until_racing(replay, functions)

    replay.fire_timer(timer_id, race["compoundActions"][1]["fireAt"])
    final = replay.run_episode()

    assert final.is_done and final.new_actions == []
    assert final.output["final_node"] == "classify"
    assert final.output["steps"] == 1
    assert final.output["path"] == ["classify"]
    assert final.output["state"]["outcome"] == ""


def test_replaying_a_finished_race_takes_the_same_path(runtime, functions):
    replay = start(runtime, functions, amount=500)
    _, race, timer_id = wait_until_racing(replay, functions)
    replay.fire_timer(timer_id, race["compoundActions"][1]["fireAt"])
    first = run_until_blocked(replay, functions)

    again = replay.run_episode()  # the whole history once more, every event already played

    assert again.actions == first.actions
    assert again.output == first.output
    assert again.custom_status == first.custom_status
