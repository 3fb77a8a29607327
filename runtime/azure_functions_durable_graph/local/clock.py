"""Clocks for durable timers: the wall clock for serving, a virtual clock for tests.

The engine only asks a clock two things: what time it is and to sleep until a
moment. A VirtualClock never moves by itself, so a 72-hour timeout in a test
fires as soon as the test calls `advance(timedelta(hours=72))`.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    """What the engine needs from a clock."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...

    async def sleep_until(self, when: datetime) -> None:
        """Return once `now() >= when`."""
        ...


def _require_aware(when: datetime, what: str) -> datetime:
    if when.tzinfo is None:
        raise ValueError(f"{what} must be a timezone-aware datetime, got naive {when.isoformat()}")
    return when.astimezone(timezone.utc)


class WallClock:
    """Real time."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    async def sleep_until(self, when: datetime) -> None:
        when = _require_aware(when, "sleep_until(when)")
        while (delay := (when - self.now()).total_seconds()) > 0:
            await asyncio.sleep(delay)


class VirtualClock:
    """Time that moves only when `advance` is called; safe to advance from any thread."""

    def __init__(self, start: datetime | None = None) -> None:
        if start is None:
            start = datetime.now(timezone.utc).replace(microsecond=0)
        self._now = _require_aware(start, "VirtualClock(start)")
        self._lock = threading.Lock()
        self._sleepers: list[tuple[datetime, asyncio.AbstractEventLoop, asyncio.Future[None]]] = []

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move time forward by `delta` and wake every sleeper whose moment has come."""
        if delta < timedelta(0):
            raise ValueError(f"VirtualClock.advance needs a non-negative timedelta, got {delta}")
        with self._lock:
            self._now += delta
            now = self._now
            due = [s for s in self._sleepers if s[0] <= now]
            self._sleepers = [s for s in self._sleepers if s[0] > now]
        for _, loop, future in due:
            if not loop.is_closed():
                loop.call_soon_threadsafe(_resolve, future)
        return now

    async def sleep_until(self, when: datetime) -> None:
        when = _require_aware(when, "sleep_until(when)")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        entry = (when, loop, future)
        with self._lock:
            if when <= self._now:
                return
            self._sleepers.append(entry)
        try:
            await future
        finally:
            with self._lock:
                if entry in self._sleepers:
                    self._sleepers.remove(entry)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
