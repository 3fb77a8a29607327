"""The replay caches only speed episodes up: histories, states and outputs stay exactly the same."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from azure_functions_durable_graph.local.clock import VirtualClock
from azure_functions_durable_graph.local.engine import Engine
from azure_functions_durable_graph.local.store.records import InstanceRecord
from azure_functions_durable_graph.local.store.replay_cache import (
    ExecutionStateCache,
    copy_state,
    played_json,
)
from azure_functions_durable_graph.local.store.store import Store
from tests.local import apps_for_engine as apps
from tests.local.engine_support import catalog_for

START = datetime(2025, 1, 1, tzinfo=timezone.utc)

_open: list[Store] = []


@pytest.fixture(autouse=True)
def _close_stores() -> Iterator[None]:
    yield
    while _open:
        _open.pop().close()


def _store(path: str | Path = ":memory:", **options: Any) -> Store:
    store = Store(path, **options)
    _open.append(store)
    return store


def _uncached_played(store: Store, instance_id: str) -> list[str]:
    """What an episode would get without any cache: every stored event, marked played."""
    return [played_json(e) for e in store.history(instance_id)]


def _record(instance_id: str, state: dict[str, Any]) -> InstanceRecord:
    stamp = "2025-01-01T00:00:00.000000Z"
    return InstanceRecord(instance_id, "orch", "e1", "Running", None, stamp, stamp, state=state)


# The store's played history -------------------------------------------------------------------


def test_played_history_follows_appends_and_clears() -> None:
    store = _store()
    store.append_history("a", "e1", [{"EventType": 12, "IsPlayed": False}])
    assert store.played_history("a") == _uncached_played(store, "a")  # now cached

    store.append_history("a", "e1", [{"EventType": 4, "Name": "x"}, {"EventType": 13}])
    assert store.played_history("a") == _uncached_played(store, "a")
    assert [json.loads(t)["IsPlayed"] for t in store.played_history("a")] == [True] * 3

    store.clear_history("a")  # continue_as_new
    assert store.played_history("a") == []
    store.append_history("a", "e2", [{"EventType": 0, "Input": "1"}])
    assert store.played_history("a") == _uncached_played(store, "a")


def test_a_rolled_back_append_never_reaches_the_cache() -> None:
    store = _store()
    store.append_history("a", "e1", [{"n": 1}])
    store.played_history("a")

    with pytest.raises(RuntimeError, match="crash"), store.transaction():
        store.append_history("a", "e1", [{"n": "lost"}])
        raise RuntimeError("crash")
    store.append_history("a", "e1", [{"n": 2}])  # same position the lost event had

    assert [json.loads(t)["n"] for t in store.played_history("a")] == [1, 2]


def test_a_purge_forgets_the_history_and_the_state() -> None:
    store = _store()
    store.put_instance(_record("a", {"actions": [{"type": 0, "name": "x", "id": 0}]}))
    store.append_history("a", "e1", [{"n": 1}])
    store.played_history("a")

    store.delete_instance("a")
    store.put_instance(_record("a", {"actions": []}))
    store.append_history("a", "e1", [{"n": "new"}])

    assert [json.loads(t)["n"] for t in store.played_history("a")] == ["new"]
    record = store.get_instance("a")
    assert record is not None and record.state == {"actions": []}


def test_a_write_by_another_store_on_the_same_file_is_noticed(tmp_path: Path) -> None:
    database = tmp_path / "hub.sqlite"
    mine, other = _store(database), _store(database)
    mine.append_history("a", "e1", [{"n": 1}])
    mine.played_history("a")

    other.append_history("a", "e1", [{"n": 2}])
    assert [json.loads(t)["n"] for t in mine.played_history("a")] == [1, 2]

    other.clear_history("a")
    other.append_history("a", "e2", [{"n": 3}, {"n": 4}])
    assert [json.loads(t)["n"] for t in mine.played_history("a")] == [3, 4]


# The state codec ------------------------------------------------------------------------------


def test_an_encoded_state_decodes_to_the_same_value_whatever_was_cached() -> None:
    codec = ExecutionStateCache()
    state: dict[str, Any] = {"next_seq": 1, "actions": [{"type": 0, "name": "a", "id": 0}]}
    first = codec.encode("i", state)
    grown = copy_state(codec.decode("i", first))
    grown["actions"].append({"type": 5, "name": None, "id": 1})
    grown["next_seq"] = 2

    assert json.loads(codec.encode("i", grown)) == grown
    assert json.loads(ExecutionStateCache().encode("i", grown)) == grown
    replaced = {"actions": [{"type": 9, "name": "other", "id": 0}, {"type": 5, "id": 1}]}
    assert json.loads(codec.encode("i", replaced)) == replaced  # not a growth of the cached one
    assert json.loads(codec.encode("i", {})) == {}


def test_a_decoded_state_can_be_changed_without_touching_the_cache() -> None:
    codec = ExecutionStateCache()
    text = json.dumps({"actions": [], "retries": {"0": {"attempts": 1}}})
    codec.decode("i", text)
    decoded = codec.decode("i", text)  # served from the cache
    decoded["actions"].append({"type": 0})
    decoded["retries"]["0"]["attempts"] = 2

    assert codec.decode("i", text) == {"actions": [], "retries": {"0": {"attempts": 1}}}


def test_a_state_whose_save_rolled_back_is_read_back_from_the_store() -> None:
    store = _store()
    store.put_instance(_record("a", {"next_seq": 0, "actions": []}))
    with pytest.raises(RuntimeError, match="crash"), store.transaction():
        store.put_instance(_record("a", {"next_seq": 1, "actions": [{"type": 0, "id": 0}]}))
        raise RuntimeError("crash")

    record = store.get_instance("a")
    assert record is not None and record.state == {"next_seq": 0, "actions": []}


def test_a_negative_cache_size_is_refused() -> None:
    with pytest.raises(ValueError, match="cached_instances must be 0 or more, got -1"):
        Store(":memory:", cached_instances=-1)


# Whole runs ------------------------------------------------------------------------------------

Phase = Callable[[Engine, VirtualClock], Awaitable[None]]


async def _start(engine: Engine, clock: VirtualClock) -> None:
    await engine.start_orchestration("pausing_chain", None, "chain")  # runs up to its timer


async def _fire_timer(engine: Engine, clock: VirtualClock) -> None:
    clock.advance(timedelta(minutes=1))  # up to the event


async def _raise_event(engine: Engine, clock: VirtualClock) -> None:
    await engine.raise_event("chain", "extra", "10")  # first attempt fails: a retry timer


async def _fire_retry(engine: Engine, clock: VirtualClock) -> None:
    clock.advance(timedelta(seconds=1))


PHASES: list[Phase] = [_start, _fire_timer, _raise_event, _fire_retry]


def _run_phases(database: Path, *, restart_between: bool, **store_options: Any) -> Any:
    """Run every phase on one engine, or on a new engine and store (empty caches) per phase."""
    apps.calls.pop("chain-10", None)
    clock = VirtualClock(START)

    async def phases(store: Store, todo: list[Phase]) -> None:
        engine = Engine(catalog_for(apps.app), store, clock)
        await engine.start()
        try:
            for phase in todo:
                await phase(engine, clock)
                await engine.wait_until_idle()
        finally:
            await engine.stop()

    groups = [[p] for p in PHASES] if restart_between else [PHASES]
    for group in groups:
        with Store(database, **store_options) as store:
            asyncio.run(phases(store, group))
    with Store(database) as store:
        record = store.get_instance("chain")
        assert record is not None
        text = json.dumps(store.history("chain")).replace(record.execution_id, "<execution>")
        return record.status, record.output, json.loads(text), store.played_history("chain")


def test_a_run_restarted_at_every_pause_has_the_same_history_as_one_uninterrupted(
    tmp_path: Path,
) -> None:
    straight = _run_phases(tmp_path / "straight.sqlite", restart_between=False)
    restarted = _run_phases(tmp_path / "restarted.sqlite", restart_between=True)
    uncached = _run_phases(tmp_path / "uncached.sqlite", restart_between=False, cached_instances=0)

    assert straight[:2] == ("Completed", json.dumps([30 + 10, "ok after 2"]))
    assert restarted[:3] == straight[:3]
    assert uncached[:3] == straight[:3]
    kinds = [e["EventType"] for e in straight[2]]
    assert kinds.count(10) == 2 and kinds.count(5) == 6 and kinds.count(6) == 1  # timers, results


def test_continue_as_new_and_purge_start_from_an_empty_history() -> None:
    store = _store()

    async def scenario() -> tuple[Any, Any]:
        engine = Engine(catalog_for(apps.app), store, VirtualClock(START))
        await engine.start()
        try:
            await engine.start_orchestration("accumulator", "0", "acc")
            for amount in (3, 4, 5):  # 3 and 7 continue as new; 12 completes
                await engine.wait_until_idle()
                await engine.raise_event("acc", "add", str(amount))
            await engine.wait_until_idle()
            accumulated = (await engine.get_status("acc") or {}).get("output"), store.history("acc")
            await engine.purge("acc")
            assert store.played_history("acc") == []
            await engine.start_orchestration("hello_sequence", '"Oslo"', "acc")
            await engine.wait_until_idle()
            return accumulated, (await engine.get_status("acc") or {}).get("output")
        finally:
            await engine.stop()

    (total, history), greeting = asyncio.run(scenario())

    assert total == 12
    started = [e for e in history if e["EventType"] == 0]
    assert [e["Input"] for e in started] == ["7"]  # only the last execution's history is kept
    assert greeting == ["Hello Oslo!", "Hello Seattle!", "Hello London!"]
    assert store.played_history("acc") == _uncached_played(store, "acc")
    assert [json.loads(t)["EventType"] for t in store.played_history("acc")].count(0) == 1
