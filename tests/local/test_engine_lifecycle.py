"""continue_as_new, terminate, status bodies, listing and purging."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import datetime, timedelta, timezone

import pytest
from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus
from azure.durable_functions.models.OrchestrationRuntimeStatus import OrchestrationRuntimeStatus

from azure_functions_durable_graph.local.clock import VirtualClock
from azure_functions_durable_graph.local.engine import Engine
from azure_functions_durable_graph.local.errors import InstanceNotFound, InstanceNotRunning
from azure_functions_durable_graph.local.history import EventType
from tests.helpers import eventually_async, unique_id
from tests.local import apps_for_engine as apps
from tests.local.engine_support import finished, run_engine, status_is

START = datetime(2025, 1, 1, tzinfo=timezone.utc)


def test_continue_as_new_starts_fresh_executions_until_done() -> None:
    clock = VirtualClock(START)

    async def scenario(
        engine: Engine,
    ) -> tuple[list[str], dict[str, object], list[dict[str, object]]]:
        instance_id = await engine.start_orchestration("counter", "0")
        executions = []
        for _ in range(4):
            await engine.wait_until_idle()
            events = await engine.history(instance_id)
            executions.append(events[1]["OrchestrationInstance"]["ExecutionId"])
            clock.advance(timedelta(seconds=30))
        return executions, await finished(engine, instance_id), await engine.history(instance_id)

    executions, status, events = run_engine(apps.app, scenario, clock=clock)

    assert len(set(executions)) == 4
    assert status["runtimeStatus"] == "Completed"
    assert status["output"] == 3
    assert status["input"] == 3
    assert events[1]["Input"] == "3"
    assert [e["EventId"] for e in events if e["EventType"] == EventType.TIMER_CREATED] == [0]


def test_continue_as_new_carries_unprocessed_events_into_the_next_execution() -> None:
    async def scenario(engine: Engine) -> dict[str, object]:
        instance_id = await engine.start_orchestration("accumulator", "0")
        for amount in (4, 3, 5):
            await engine.raise_event(instance_id, "add", json.dumps(amount))
        return await finished(engine, instance_id)

    status = run_engine(apps.app, scenario)

    assert status["output"] == 12


def test_status_is_continued_as_new_between_executions() -> None:
    clock = VirtualClock(START)

    async def scenario(engine: Engine) -> list[str]:
        instance_id = await engine.start_orchestration("counter", "2")
        await engine.wait_until_idle()
        clock.advance(timedelta(seconds=30))
        seen = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # every loop turn: the state between executions is short
            status = await engine.get_status(instance_id)
            assert status is not None
            if not seen or seen[-1] != status["runtimeStatus"]:
                seen.append(str(status["runtimeStatus"]))
            if engine.is_idle():
                return seen
            await asyncio.sleep(0)
        raise AssertionError(f"the engine did not go idle within 10s; statuses seen: {seen}")

    seen = run_engine(apps.app, scenario, clock=clock)

    assert "ContinuedAsNew" in seen
    assert seen[-1] == "Running"


def test_terminate_stops_the_instance_and_drops_its_pending_work() -> None:
    async def scenario(engine: Engine) -> tuple[dict[str, object], list[dict[str, object]]]:
        instance_id = await engine.start_orchestration("forever", None)
        await engine.wait_until_idle()
        await engine.terminate(instance_id, "no longer needed")
        status = await finished(engine, instance_id)
        with pytest.raises(InstanceNotRunning, match="is Terminated"):
            await engine.terminate(instance_id, "again")
        return status, await engine.history(instance_id)

    status, events = run_engine(apps.app, scenario)

    assert status["runtimeStatus"] == "Terminated"
    assert status["output"] == "no longer needed"
    assert events[-1]["EventType"] == EventType.EXECUTION_TERMINATED


def test_terminate_while_an_activity_is_pending_discards_its_result() -> None:
    apps.gate.clear()

    async def scenario(engine: Engine) -> tuple[dict[str, object], int]:
        instance_id = await engine.start_orchestration("slow_fan_out", "1")
        await eventually_async(lambda: apps.active >= 1)
        await engine.terminate(instance_id, "stop")
        await eventually_async(lambda: status_is(engine, instance_id, "Terminated"))
        apps.gate.set()
        status = await finished(engine, instance_id)
        return status, len(
            [
                e
                for e in await engine.history(instance_id)
                if e["EventType"] == EventType.TASK_COMPLETED
            ]
        )

    status, completions = run_engine(apps.app, scenario)

    assert status["runtimeStatus"] == "Terminated"
    assert completions == 0


def test_status_body_is_what_the_sdk_reads() -> None:
    clock = VirtualClock(START)

    async def scenario(engine: Engine) -> dict[str, object]:
        instance_id = await engine.start_orchestration(
            "hello_sequence", json.dumps({"city": "Oslo"}), "status-1"
        )
        await engine.wait_until_idle()
        status = await engine.get_status(instance_id, show_history=True, show_history_output=True)
        assert status is not None
        return status

    body = run_engine(apps.app, scenario, clock=clock)
    status = DurableOrchestrationStatus.from_json(body)

    assert set(body) == {
        "name",
        "instanceId",
        "runtimeStatus",
        "input",
        "customStatus",
        "output",
        "createdTime",
        "lastUpdatedTime",
        "historyEvents",
    }
    assert status.runtime_status == OrchestrationRuntimeStatus.Completed
    assert status.created_time == START
    assert body["createdTime"] == "2025-01-01T00:00:00Z"
    assert status.input_ == {"city": "Oslo"}
    assert status.output == ["Hello {'city': 'Oslo'}!", "Hello Seattle!", "Hello London!"]
    history = body["historyEvents"]
    assert isinstance(history, list)
    assert [e["EventType"] for e in history] == [
        "ExecutionStarted",
        "TaskCompleted",
        "TaskCompleted",
        "TaskCompleted",
        "ExecutionCompleted",
    ]
    assert (
        history[1]["FunctionName"] == "say_hello"
        and history[1]["Result"] == "\"Hello {'city': 'Oslo'}!\""
    )


def test_unknown_instance_has_no_status_and_no_history() -> None:
    async def scenario(engine: Engine) -> object:
        with pytest.raises(InstanceNotFound):
            await engine.history("missing")
        return await engine.get_status("missing")

    assert run_engine(apps.app, scenario) is None


def test_list_filters_and_purge() -> None:
    clock = VirtualClock(START)
    prefix = unique_id("batch")

    async def scenario(engine: Engine) -> dict[str, object]:
        await engine.start_orchestration("hello_sequence", json.dumps("a"), f"{prefix}-done")
        clock.advance(timedelta(hours=1))
        await engine.start_orchestration("forever", None, f"{prefix}-waiting")
        await engine.wait_until_idle()
        result: dict[str, object] = {}
        result["running"] = [
            s["instanceId"] for s in await engine.list_statuses(runtime_status=["Running"])
        ]
        result["prefix"] = sorted(
            s["instanceId"] for s in await engine.list_statuses(instance_id_prefix=prefix)
        )
        result["late"] = [
            s["instanceId"]
            for s in await engine.list_statuses(created_from=START + timedelta(minutes=30))
        ]
        result["early"] = [
            s["instanceId"]
            for s in await engine.list_statuses(created_to=START + timedelta(minutes=30))
        ]
        result["purged_many"] = await engine.purge_many(runtime_status=["Completed"])
        result["purged_one"] = await engine.purge(f"{prefix}-waiting")
        result["purged_missing"] = await engine.purge(f"{prefix}-waiting")
        result["left"] = await engine.list_statuses()
        return result

    result = run_engine(apps.app, scenario, clock=clock)

    assert result["running"] == [f"{prefix}-waiting"]
    assert result["prefix"] == [f"{prefix}-done", f"{prefix}-waiting"]
    assert result["late"] == [f"{prefix}-waiting"]
    assert result["early"] == [f"{prefix}-done"]
    assert result["purged_many"] == 1
    assert result["purged_one"] == 1
    assert result["purged_missing"] == 0
    assert result["left"] == []


def test_suspended_instance_holds_its_events_until_resumed() -> None:
    async def scenario(engine: Engine) -> tuple[str, dict[str, object], list[int]]:
        instance_id = await engine.start_orchestration("with_status", None)
        await engine.wait_until_idle()
        await engine.suspend(instance_id, "maintenance")
        await engine.raise_event(instance_id, "go", json.dumps("later"))
        await engine.wait_until_idle()  # the held event does not count as runnable work
        suspended = (await engine.get_status(instance_id) or {})["runtimeStatus"]
        await engine.resume(instance_id, "done")
        status = await finished(engine, instance_id)
        kinds = [e["EventType"] for e in await engine.history(instance_id)]
        return str(suspended), status, kinds

    suspended, status, kinds = run_engine(apps.app, scenario)

    assert suspended == "Suspended"
    assert status["runtimeStatus"] == "Completed" and status["output"] == "later"
    assert EventType.EXECUTION_SUSPENDED in kinds and EventType.EXECUTION_RESUMED in kinds


def test_a_suspended_instance_can_still_be_terminated() -> None:
    async def scenario(engine: Engine) -> dict[str, object]:
        instance_id = await engine.start_orchestration("forever", None)
        await engine.wait_until_idle()
        await engine.suspend(instance_id, "hold")
        await engine.wait_until_idle()
        await engine.terminate(instance_id, "give up")
        return await finished(engine, instance_id)

    status = run_engine(apps.app, scenario)

    assert status["runtimeStatus"] == "Terminated"
    assert status["output"] == "give up"


def test_restart_runs_the_orchestrator_again_with_the_same_input() -> None:
    async def scenario(engine: Engine) -> tuple[str, str, dict[str, object], dict[str, object]]:
        first = await engine.start_orchestration("hello_sequence", json.dumps("Rome"))
        await engine.wait_until_idle()
        fresh = await engine.restart(first)
        same = await engine.restart(first, new_instance_id=False)
        return fresh, same, await finished(engine, fresh), await finished(engine, same)

    fresh, same, fresh_status, same_status = run_engine(apps.app, scenario)

    assert fresh != same
    assert (
        fresh_status["output"]
        == same_status["output"]
        == [
            "Hello Rome!",
            "Hello Seattle!",
            "Hello London!",
        ]
    )
