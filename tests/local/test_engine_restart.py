"""Crash safety: a new Engine on the same SQLite file finishes everything the old one left."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from azure_functions_durable_graph.local.clock import VirtualClock
from azure_functions_durable_graph.local.engine import Engine
from azure_functions_durable_graph.local.store.store import Store
from tests.helpers import eventually_async
from tests.local import apps_for_engine as apps
from tests.local.engine_support import catalog_for, status_is

START = datetime(2025, 1, 1, tzinfo=timezone.utc)


def test_work_left_by_a_stopped_engine_completes_on_the_next_one(tmp_path: Path) -> None:
    database = tmp_path / "hub.sqlite"
    clock = VirtualClock(START)
    apps.gate.clear()

    async def first_run() -> dict[str, str]:
        store = Store(database)
        engine = Engine(catalog_for(apps.app), store, clock)
        await engine.start()
        ids = {
            "in_flight": await engine.start_orchestration("slow_fan_out", "3"),
            "timer": await engine.start_orchestration("nap", "10"),
            "waiting": await engine.start_orchestration("with_status", None),
        }
        # The three activities are running in the thread pool, the timer is pending.
        await eventually_async(lambda: apps.active >= 3)
        await eventually_async(lambda: status_is(engine, ids["timer"], "Running"))
        await engine.stop()  # a crash: activities in flight, a timer pending
        store.close()
        apps.gate.set()  # let the abandoned threads end; their results are never recorded
        with Store(database) as other:
            not_started = Engine(catalog_for(apps.app), other, clock)
            ids["accepted"] = await not_started.start_orchestration(
                "hello_sequence", json.dumps("later")
            )
        return ids

    ids = asyncio.run(first_run())
    store = Store(database)
    assert len(store.work_items()) == 3
    assert store.next_timer() is not None
    store.close()

    async def second_run() -> dict[str, object]:
        with Store(database) as reopened:
            engine = Engine(catalog_for(apps.app), reopened, clock)
            await engine.start()
            try:
                await engine.raise_event(ids["waiting"], "go", json.dumps("after restart"))
                clock.advance(timedelta(minutes=10))
                await engine.wait_until_idle()
                return {key: await engine.get_status(i) for key, i in ids.items()}
            finally:
                await engine.stop()

    statuses = asyncio.run(second_run())

    outputs = {key: (s or {}).get("output") for key, s in statuses.items()}
    assert outputs == {
        "in_flight": [0, 1, 2],
        "timer": 600.0,
        "waiting": "after restart",
        "accepted": ["Hello later!", "Hello Seattle!", "Hello London!"],
    }
    assert {(s or {}).get("runtimeStatus") for s in statuses.values()} == {"Completed"}


def test_entity_operations_accepted_before_a_crash_run_after_restart(tmp_path: Path) -> None:
    database = tmp_path / "hub.sqlite"

    async def accept_only() -> None:
        with Store(database) as store:
            engine = Engine(catalog_for(apps.app), store, VirtualClock(START))
            for amount in (10, 20):  # the engine is never started: nothing runs
                await engine.signal_entity("counter_entity", "crash", "add", json.dumps(amount))

    async def restart() -> str | None:
        with Store(database) as store:
            engine = Engine(catalog_for(apps.app), store, VirtualClock(START))
            await engine.start()
            try:
                await engine.wait_until_idle()
                return await engine.read_entity_state("counter_entity", "crash")
            finally:
                await engine.stop()

    asyncio.run(accept_only())
    state = asyncio.run(restart())

    assert state is not None and json.loads(state) == 30
