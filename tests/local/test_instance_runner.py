"""How the instance runner schedules episodes (local/instance_runner.py).

Activity results are held back while the instance's other activities run: a
fan-out's results reach the orchestrator in one episode; anything else in the
inbox, or a pause in arrivals, lets the episode run at once, so a `task_any`
over a quick and a slow activity still continues when the quick one ends.
Short episodes run on the loop's thread, long ones on the episode threads.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any

import azure.durable_functions as df
import pytest

from azure_functions_durable_graph.local import instance_runner
from azure_functions_durable_graph.local.engine import Engine
from azure_functions_durable_graph.local.history import EventType
from tests.local import apps_for_engine as apps
from tests.local.engine_support import finished, run_engine

app = df.DFApp()


@app.orchestration_trigger(context_name="context")
def quick_or_slow(context: df.DurableOrchestrationContext) -> Any:
    winner = yield context.task_any(
        [context.call_activity("pause", 0.0), context.call_activity("pause", 30.0)]
    )
    return winner.result


episode_threads: list[str] = []


@app.orchestration_trigger(context_name="context")
def where_it_runs(context: df.DurableOrchestrationContext) -> Any:
    episode_threads.append(threading.current_thread().name)  # a test's probe, not replayed state
    return (yield context.call_activity("pause", 0.0))


@app.activity_trigger(input_name="seconds")
async def pause(seconds: float) -> float:
    await asyncio.sleep(seconds)
    return seconds


def episodes(history: list[dict[str, Any]]) -> int:
    return sum(1 for e in history if e["EventType"] == EventType.ORCHESTRATOR_STARTED)


def test_a_fan_outs_results_reach_the_orchestrator_in_one_episode(monkeypatch) -> None:
    monkeypatch.setattr(instance_runner, "HOLD_SECONDS", 2.0)  # no pause is long enough here

    async def scenario(engine: Engine) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        instance_id = await engine.start_orchestration("fan_out_fan_in", json.dumps(40))
        return await finished(engine, instance_id), await engine.history(instance_id)

    status, history = run_engine(apps.app, scenario, max_activity_concurrency=4)

    assert status["output"] == sum(n * n for n in range(40))
    assert episodes(history) == 2  # the one that scheduled the 40 and the one with their results


def test_without_holding_the_results_arrive_in_several_episodes(monkeypatch) -> None:
    monkeypatch.setattr(instance_runner, "HOLD_SECONDS", 0.0)

    async def scenario(engine: Engine) -> list[dict[str, Any]]:
        instance_id = await engine.start_orchestration("fan_out_fan_in", json.dumps(40))
        await finished(engine, instance_id)
        return await engine.history(instance_id)

    history = run_engine(apps.app, scenario, max_activity_concurrency=4)

    assert episodes(history) > 2


@pytest.mark.slow
def test_a_result_is_not_held_past_a_pause_in_arrivals() -> None:
    async def scenario(engine: Engine) -> tuple[dict[str, Any] | None, float]:
        started = time.monotonic()
        instance_id = await engine.start_orchestration("quick_or_slow", None)
        while (status := await engine.get_status(instance_id))["runtimeStatus"] != "Completed":
            await asyncio.sleep(0.01)
        return status, time.monotonic() - started

    status, seconds = run_engine(app, scenario)

    assert status is not None and status["output"] == 0.0
    assert seconds < 10  # the slow activity (30 s) was still running


@pytest.mark.parametrize(("inline_below", "on_loop"), [(1024 * 1024, True), (0, False)])
def test_short_episodes_run_on_the_loop_thread_long_ones_on_the_episode_threads(
    monkeypatch, inline_below: int, on_loop: bool
) -> None:
    monkeypatch.setattr(instance_runner, "INLINE_EPISODE_BYTES", inline_below)
    episode_threads.clear()

    async def scenario(engine: Engine) -> tuple[dict[str, Any], str]:
        instance_id = await engine.start_orchestration("where_it_runs", None)
        return await finished(engine, instance_id), threading.current_thread().name

    status, loop_thread = run_engine(app, scenario)

    assert status["runtimeStatus"] == "Completed"
    assert len(episode_threads) == 2  # the start, then the activity's result
    if on_loop:
        assert set(episode_threads) == {loop_thread}
    else:
        assert all(name.startswith("durable-episode") for name in episode_threads)
