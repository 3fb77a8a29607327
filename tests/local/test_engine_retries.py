"""call_activity_with_retry / call_sub_orchestrator_with_retry with the extension's retry timers."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from azure_functions_durable_graph.local.clock import VirtualClock
from azure_functions_durable_graph.local.engine import Engine
from azure_functions_durable_graph.local.history import EventType
from tests.helpers import unique_id
from tests.local import apps_for_engine as apps
from tests.local.engine_support import finished, run_engine

START = datetime(2025, 1, 1, tzinfo=timezone.utc)


async def _status(engine: Engine, instance_id: str) -> str:
    return str((await engine.get_status(instance_id) or {}).get("runtimeStatus"))


def _job(succeed_on: int) -> dict[str, object]:
    return {"key": unique_id("job"), "succeed_on": succeed_on}


def test_retry_waits_the_interval_between_attempts_then_succeeds() -> None:
    clock = VirtualClock(START)
    job = _job(succeed_on=3)

    async def scenario(
        engine: Engine,
    ) -> tuple[list[str], dict[str, object], list[dict[str, object]]]:
        instance_id = await engine.start_orchestration("retrying", json.dumps(job))
        seen = []
        for _ in range(2):
            await engine.wait_until_idle()
            seen.append(f"{apps.calls[job['key']]}:{await _status(engine, instance_id)}")
            clock.advance(timedelta(seconds=5))
        return seen, await finished(engine, instance_id), await engine.history(instance_id)

    seen, status, events = run_engine(apps.app, scenario, clock=clock)

    assert seen == ["1:Running", "2:Running"]
    assert status["output"] == "ok after 3"
    ids = [
        (
            EventType(e["EventType"]).name,
            e.get("EventId") if e["EventId"] >= 0 else e.get("TaskScheduledId", e.get("TimerId")),
        )
        for e in events
        if e["EventType"]
        in (
            EventType.TASK_SCHEDULED,
            EventType.TASK_FAILED,
            EventType.TASK_COMPLETED,
            EventType.TIMER_CREATED,
            EventType.TIMER_FIRED,
        )
    ]
    assert ids == [
        ("TASK_SCHEDULED", 0),
        ("TASK_FAILED", 0),
        ("TIMER_CREATED", 1),
        ("TIMER_FIRED", 1),
        ("TASK_SCHEDULED", 2),
        ("TASK_FAILED", 2),
        ("TIMER_CREATED", 3),
        ("TIMER_FIRED", 3),
        ("TASK_SCHEDULED", 4),
        ("TASK_COMPLETED", 4),
    ]


def test_retry_gives_up_after_the_last_attempt_and_one_more_timer() -> None:
    clock = VirtualClock(START)
    job = _job(succeed_on=99)

    async def scenario(engine: Engine) -> tuple[int, dict[str, object]]:
        instance_id = await engine.start_orchestration("retrying", json.dumps(job))
        for _ in range(3):
            await engine.wait_until_idle()
            clock.advance(timedelta(seconds=5))
        status = await finished(engine, instance_id)
        return apps.calls[job["key"]], status

    attempts, status = run_engine(apps.app, scenario, clock=clock)

    assert attempts == 3
    assert status["runtimeStatus"] == "Failed"
    assert str(status["output"]).startswith(
        "Orchestrator function 'retrying' failed: "
        "Activity function 'flaky' failed:  ConnectionError: attempt 3 failed"
    )


def test_the_last_failed_attempt_still_waits_for_its_retry_timer() -> None:
    clock = VirtualClock(START)
    job = _job(succeed_on=99)

    async def scenario(engine: Engine) -> str:
        instance_id = await engine.start_orchestration("retrying", json.dumps(job))
        for _ in range(2):
            await engine.wait_until_idle()
            clock.advance(timedelta(seconds=5))
        await engine.wait_until_idle()
        return str((await engine.get_status(instance_id) or {})["runtimeStatus"])

    assert run_engine(apps.app, scenario, clock=clock) == "Running"


def test_parallel_retries_keep_the_sdks_sequence_numbers() -> None:
    clock = VirtualClock(START)
    jobs = [_job(succeed_on=2), _job(succeed_on=1), _job(succeed_on=2)]

    async def scenario(engine: Engine) -> dict[str, object]:
        instance_id = await engine.start_orchestration("retrying_pair", json.dumps(jobs))
        await engine.wait_until_idle()
        clock.advance(timedelta(seconds=1))
        return await finished(engine, instance_id)

    status = run_engine(apps.app, scenario, clock=clock)

    assert status["runtimeStatus"] == "Completed", status["output"]
    assert status["output"] == ["ok after 2", "ok after 1", "ok after 2", "Hello after!"]


def test_sub_orchestrator_retry_starts_a_new_child_per_attempt() -> None:
    clock = VirtualClock(START)
    job = _job(succeed_on=2)

    async def scenario(engine: Engine) -> tuple[dict[str, object], list[str]]:
        instance_id = await engine.start_orchestration("retrying_child", json.dumps(job))
        await engine.wait_until_idle()
        clock.advance(timedelta(seconds=2))
        status = await finished(engine, instance_id)
        children = [
            f"{s['instanceId']}={s['runtimeStatus']}"
            for s in await engine.list_statuses()
            if s["name"] == "flaky_child"
        ]
        return status, children

    status, children = run_engine(apps.app, scenario, clock=clock)

    assert status["runtimeStatus"] == "Completed"
    output = status["output"]
    assert isinstance(output, dict) and output["result"] == "ok after 2"
    assert str(output["child"]).endswith(":2")
    assert sorted(c.split(":")[-1] for c in children) == ["0=Failed", "2=Completed"]
