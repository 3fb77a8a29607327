"""WallClock and VirtualClock."""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime, timedelta, timezone

import pytest

from azure_functions_durable_graph.local.clock import VirtualClock, WallClock

START = datetime(2025, 1, 1, tzinfo=timezone.utc)


def test_virtual_clock_starts_where_told_and_moves_only_when_advanced() -> None:
    clock = VirtualClock(START)

    assert clock.now() == START
    assert clock.advance(timedelta(hours=72)) == START + timedelta(hours=72)
    assert clock.now() == START + timedelta(hours=72)


def test_virtual_clock_defaults_to_an_aware_utc_now() -> None:
    assert VirtualClock().now().tzinfo == timezone.utc


def test_virtual_clock_rejects_naive_start_and_going_backwards() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        VirtualClock(datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="non-negative"):
        VirtualClock(START).advance(timedelta(seconds=-1))


def test_sleeper_wakes_when_another_thread_advances_past_its_moment() -> None:
    clock = VirtualClock(START)
    woke: list[datetime] = []

    async def sleeper(started: threading.Event) -> None:
        task = asyncio.ensure_future(clock.sleep_until(START + timedelta(minutes=5)))
        await asyncio.sleep(0)
        started.set()
        await task
        woke.append(clock.now())

    started = threading.Event()
    thread = threading.Thread(target=lambda: asyncio.run(sleeper(started)))
    thread.start()
    assert started.wait(5)
    clock.advance(timedelta(minutes=4))
    assert not woke
    clock.advance(timedelta(minutes=1))
    thread.join(5)

    assert woke == [START + timedelta(minutes=5)]


def test_sleep_until_a_past_moment_returns_at_once() -> None:
    clock = VirtualClock(START)

    asyncio.run(asyncio.wait_for(clock.sleep_until(START - timedelta(seconds=1)), timeout=1))


def test_wall_clock_is_aware_utc_and_sleeps_until_the_moment() -> None:
    clock = WallClock()
    target = clock.now() + timedelta(milliseconds=30)

    asyncio.run(clock.sleep_until(target))

    assert clock.now() >= target
    assert clock.now().tzinfo == timezone.utc
