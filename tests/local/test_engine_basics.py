"""Activities through the real SDK handle: chaining, fan-out/fan-in, names, failures."""

from __future__ import annotations

import asyncio
import json

import pytest

from azure_functions_durable_graph.local.engine import Engine
from azure_functions_durable_graph.local.errors import InstanceAlreadyExists, OrchestratorNotFound
from azure_functions_durable_graph.local.history import EventType
from tests.helpers import eventually_async, unique_id
from tests.local import apps_for_engine as apps
from tests.local.engine_support import finished, run_engine


def test_function_chaining_returns_each_activity_result_in_order() -> None:
    async def scenario(engine: Engine) -> dict[str, object]:
        instance_id = await engine.start_orchestration("hello_sequence", json.dumps("Tokyo"))
        return await finished(engine, instance_id)

    status = run_engine(apps.app, scenario)

    assert status["runtimeStatus"] == "Completed"
    assert status["output"] == ["Hello Tokyo!", "Hello Seattle!", "Hello London!"]
    assert status["input"] == "Tokyo"
    assert status["name"] == "hello_sequence"


def test_history_numbers_tasks_in_the_order_the_sdk_scheduled_them() -> None:
    async def scenario(engine: Engine) -> list[dict[str, object]]:
        instance_id = await engine.start_orchestration("hello_sequence", json.dumps("Tokyo"))
        await engine.wait_until_idle()
        return await engine.history(instance_id)

    events = run_engine(apps.app, scenario)

    scheduled = [
        (e["EventId"], e["Input"]) for e in events if e["EventType"] == EventType.TASK_SCHEDULED
    ]
    completed = [
        (e["TaskScheduledId"], e["Result"])
        for e in events
        if e["EventType"] == EventType.TASK_COMPLETED
    ]
    assert scheduled == [(0, '"Tokyo"'), (1, '"Seattle"'), (2, '"London"')]
    assert completed == [(0, '"Hello Tokyo!"'), (1, '"Hello Seattle!"'), (2, '"Hello London!"')]
    assert events[0]["EventType"] == EventType.ORCHESTRATOR_STARTED
    assert events[1]["EventType"] == EventType.EXECUTION_STARTED
    assert events[-1]["EventType"] == EventType.EXECUTION_COMPLETED


def test_fan_out_fan_in_runs_every_activity_and_sums_them() -> None:
    async def scenario(engine: Engine) -> dict[str, object]:
        instance_id = await engine.start_orchestration("fan_out_fan_in", "10")
        return await finished(engine, instance_id)

    status = run_engine(apps.app, scenario)

    assert status["output"] == sum(n * n for n in range(10))


def test_activity_concurrency_is_bounded() -> None:
    apps.gate.clear()
    apps.most_active = 0

    async def scenario(engine: Engine) -> dict[str, object]:
        instance_id = await engine.start_orchestration("slow_fan_out", "5")
        await eventually_async(lambda: apps.active >= 2)
        await asyncio.sleep(0.1)  # room for a third activity to start if the bound did not hold
        apps.gate.set()
        return await finished(engine, instance_id)

    status = run_engine(apps.app, scenario, max_activity_concurrency=2)

    assert apps.most_active == 2
    assert status["output"] == [0, 1, 2, 3, 4]


def test_activity_names_are_case_insensitive_and_context_is_injected() -> None:
    async def scenario(engine: Engine) -> dict[str, object]:
        instance_id = await engine.start_orchestration("shouter", json.dumps("quiet"))
        return await finished(engine, instance_id)

    status = run_engine(apps.app, scenario)

    assert status["name"] == "shouter"
    assert status["output"] == {"upper": "QUIET", "function": "RenamedActivity"}


def test_activity_failure_reaches_the_orchestrator_with_the_extensions_reason_format() -> None:
    async def scenario(engine: Engine) -> dict[str, object]:
        instance_id = await engine.start_orchestration("catches_activity_error", None, unique_id())
        return await finished(engine, instance_id)

    status = run_engine(apps.app, scenario)

    output = str(status["output"])
    assert output.startswith(
        "Activity function 'flaky' failed:  ConnectionError: attempt 1 failed \n "
    )
    assert "Traceback" in output


def test_orchestrator_exception_fails_the_instance_with_the_extensions_message() -> None:
    async def scenario(engine: Engine) -> tuple[dict[str, object], list[dict[str, object]]]:
        instance_id = await engine.start_orchestration("exploding", None)
        return await finished(engine, instance_id), await engine.history(instance_id)

    status, events = run_engine(apps.app, scenario)

    assert status["runtimeStatus"] == "Failed"
    assert status["output"] == "Orchestrator function 'exploding' failed: the orchestrator gave up"
    assert events[-1]["OrchestrationStatus"] == "Failed"


def test_unknown_orchestrator_is_refused_with_the_registered_names() -> None:
    async def scenario(engine: Engine) -> None:
        await engine.start_orchestration("nope", None)

    with pytest.raises(OrchestratorNotFound, match=r"'nope' is not registered.*hello_sequence"):
        run_engine(apps.app, scenario)


def test_input_must_be_json_text() -> None:
    async def scenario(engine: Engine) -> None:
        await engine.start_orchestration("hello_sequence", "not json")

    with pytest.raises(ValueError, match="orchestration input must be JSON text"):
        run_engine(apps.app, scenario)


def test_running_instance_id_cannot_be_reused_but_a_finished_one_is_replaced() -> None:
    instance_id = unique_id()

    async def scenario(engine: Engine) -> tuple[str, dict[str, object]]:
        await engine.start_orchestration("forever", None, instance_id)
        await engine.wait_until_idle()
        try:
            await engine.start_orchestration("forever", None, instance_id)
        except InstanceAlreadyExists as exc:
            refused = str(exc)
        await engine.terminate(instance_id, "make room")
        await engine.wait_until_idle()
        await engine.start_orchestration("hello_sequence", json.dumps("again"), instance_id)
        return refused, await finished(engine, instance_id)

    refused, status = run_engine(apps.app, scenario)

    assert "already exists and is Running" in refused
    assert status["name"] == "hello_sequence"
    assert status["output"] == ["Hello again!", "Hello Seattle!", "Hello London!"]


def test_actions_scheduled_in_a_failing_episode_are_recorded_before_the_failure() -> None:
    async def scenario(engine: Engine) -> tuple[dict[str, object], list[dict[str, object]]]:
        instance_id = await engine.start_orchestration("fails_after_scheduling", None)
        await engine.raise_event(instance_id, "go", "true")
        return await finished(engine, instance_id), await engine.history(instance_id)

    status, events = run_engine(apps.app, scenario)

    assert status["output"] == (
        "Orchestrator function 'fails_after_scheduling' failed: failed right after scheduling"
    )
    scheduled = [e["Name"] for e in events if e["EventType"] == EventType.TASK_SCHEDULED]
    assert scheduled == ["say_hello"]


def test_calling_an_unregistered_activity_fails_the_task_with_the_extensions_message() -> None:
    async def scenario(engine: Engine) -> dict[str, object]:
        instance_id = await engine.start_orchestration("calls_missing_activity", None)
        return await finished(engine, instance_id)

    status = run_engine(apps.app, scenario)

    assert str(status["output"]).startswith(
        "The function 'does_not_exist' doesn't exist, is disabled, or is not an activity function."
    )
