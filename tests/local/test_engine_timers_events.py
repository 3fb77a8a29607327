"""Durable timers on a virtual clock and external events (waiting, buffered, racing a timeout)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from azure_functions_durable_graph.local.clock import VirtualClock, WallClock
from azure_functions_durable_graph.local.engine import Engine
from azure_functions_durable_graph.local.errors import InstanceNotFound, InstanceNotRunning
from azure_functions_durable_graph.local.history import EventType
from tests.helpers import eventually_async, unique_id
from tests.local import apps_for_engine as apps
from tests.local.engine_support import finished, run_engine, status_is

START = datetime(2025, 1, 1, tzinfo=timezone.utc)


def test_timer_waits_for_the_clock_and_the_orchestrator_sees_the_new_time() -> None:
    clock = VirtualClock(START)

    async def scenario(engine: Engine) -> tuple[str, dict[str, object]]:
        instance_id = await engine.start_orchestration("nap", "90")
        await engine.wait_until_idle()
        before = (await engine.get_status(instance_id) or {})["runtimeStatus"]
        clock.advance(timedelta(minutes=89))
        await engine.wait_until_idle()
        still = (await engine.get_status(instance_id) or {})["runtimeStatus"]
        clock.advance(timedelta(minutes=1))
        status = await finished(engine, instance_id)
        return f"{before}/{still}", status

    states, status = run_engine(apps.app, scenario, clock=clock)

    assert states == "Running/Running"
    assert status["runtimeStatus"] == "Completed"
    assert status["output"] == 90 * 60


def test_approval_timeout_of_72_hours_fires_when_the_clock_is_advanced() -> None:
    clock = VirtualClock(START)

    async def scenario(engine: Engine) -> dict[str, object]:
        instance_id = await engine.start_orchestration("approval", None)
        await engine.wait_until_idle()
        clock.advance(timedelta(hours=72))
        return await finished(engine, instance_id)

    status = run_engine(apps.app, scenario, clock=clock)

    assert status["output"] == {
        "approved": None,
        "timed_out_at": (START + timedelta(hours=72)).isoformat(),
    }


def test_approval_event_wins_the_race_and_cancels_the_timer() -> None:
    clock = VirtualClock(START)

    async def scenario(engine: Engine) -> tuple[dict[str, object], int]:
        instance_id = await engine.start_orchestration("approval", None)
        await engine.wait_until_idle()
        await engine.raise_event(instance_id, "approve", json.dumps({"by": "ana"}))
        status = await finished(engine, instance_id)
        return status, engine.store.next_timer() is None

    status, no_timer_left = run_engine(apps.app, scenario, clock=clock)

    assert status["output"] == {"approved": {"by": "ana"}}
    assert no_timer_left


def test_events_raised_before_the_orchestrator_waits_are_buffered_in_order() -> None:
    async def scenario(engine: Engine) -> dict[str, object]:
        instance_id = await engine.start_orchestration("collect_two", None)
        await engine.raise_event(instance_id, "item", json.dumps("first"))
        await engine.raise_event(instance_id, "item", json.dumps("second"))
        return await finished(engine, instance_id)

    status = run_engine(apps.app, scenario)

    assert status["output"] == ["first", "second"]


def test_task_any_over_two_events_returns_the_first_to_arrive() -> None:
    async def scenario(engine: Engine) -> dict[str, object]:
        instance_id = await engine.start_orchestration("first_of_two", None)
        await engine.wait_until_idle()
        await engine.raise_event(instance_id, "right", json.dumps(2))
        return await finished(engine, instance_id)

    status = run_engine(apps.app, scenario)

    assert status["output"] == 2


def test_timer_history_uses_the_sdk_fire_time_and_sequence_id() -> None:
    clock = VirtualClock(START)

    async def scenario(engine: Engine) -> list[dict[str, object]]:
        instance_id = await engine.start_orchestration("nap", "1")
        await engine.wait_until_idle()
        clock.advance(timedelta(minutes=1))
        await engine.wait_until_idle()
        return await engine.history(instance_id)

    events = run_engine(apps.app, scenario, clock=clock)

    created = [e for e in events if e["EventType"] == EventType.TIMER_CREATED]
    fired = [e for e in events if e["EventType"] == EventType.TIMER_FIRED]
    assert [(e["EventId"], e["FireAt"]) for e in created] == [(0, "2025-01-01T00:01:00.000000Z")]
    assert [(e["TimerId"], e["FireAt"]) for e in fired] == [(0, "2025-01-01T00:01:00.000000Z")]


def test_raise_event_errors_name_the_instance() -> None:
    async def scenario(engine: Engine) -> str:
        instance_id = await engine.start_orchestration(
            "hello_sequence", json.dumps("x"), unique_id()
        )
        await engine.wait_until_idle()
        with pytest.raises(InstanceNotFound, match="'missing'"):
            await engine.raise_event("missing", "e", None)
        with pytest.raises(InstanceNotRunning, match="is Completed, not running"):
            await engine.raise_event(instance_id, "e", None)
        return instance_id

    run_engine(apps.app, scenario)


def test_custom_status_follows_the_orchestrator() -> None:
    async def scenario(engine: Engine) -> tuple[object, dict[str, object]]:
        instance_id = await engine.start_orchestration("with_status", None)
        await engine.wait_until_idle()
        waiting = (await engine.get_status(instance_id) or {})["customStatus"]
        await engine.raise_event(instance_id, "go", json.dumps("yes"))
        return waiting, await finished(engine, instance_id)

    waiting, status = run_engine(apps.app, scenario)

    assert waiting == {"stage": "waiting"}
    assert status["customStatus"] == {"stage": "done", "decision": "yes"}
    assert status["output"] == "yes"


def test_timers_fire_on_the_wall_clock() -> None:
    async def scenario(engine: Engine) -> dict[str, object]:
        instance_id = await engine.start_orchestration("short_nap", "50")
        await engine.wait_until_idle()  # returns while the timer is still in the future
        return await eventually_async(lambda: status_is(engine, instance_id, "Completed"))

    status = run_engine(apps.app, scenario, clock=WallClock())

    assert status["output"] == "rested"


def test_a_timer_before_the_year_1000_fires_at_once_like_any_past_timer() -> None:
    clock = VirtualClock(START)

    async def scenario(engine: Engine) -> dict[str, object]:
        minutes = -600_000_000  # about 1,141 years back: the year 884
        instance_id = await engine.start_orchestration("nap", str(minutes))
        return await finished(engine, instance_id)

    status = run_engine(apps.app, scenario, clock=clock)

    assert status["runtimeStatus"] == "Completed", status.get("output")
