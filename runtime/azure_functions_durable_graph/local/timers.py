"""The durable timer scheduler: sleep on the clock until the earliest pending timer, then fire it.

Firing a timer is one transaction: the timer row is deleted and a TimerFired
message lands in the instance's inbox. A wake-up event interrupts the sleep
when an earlier timer is added.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from . import history as h
from .clock import Clock
from .decisions_state import event_message
from .store.faults import retry_write
from .store.records import PendingTimer
from .store.store import Store

logger = logging.getLogger(__name__)

#: Called after a timer fired: (instance_id, execution_id, timer_id, fire_at).
OnFired = Callable[[str, str, int, str], Awaitable[None]]


class TimerScheduler:
    """One task that turns due timers into TimerFired inbox messages."""

    def __init__(self, store: Store, clock: Clock, on_fired: OnFired) -> None:
        self.store = store
        self.clock = clock
        self.on_fired = on_fired
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> list[asyncio.Task[None]]:
        """Cancel the scheduler; returns the task to await."""
        task, self._task = self._task, None
        if task is None:
            return []
        task.cancel()
        return [task]

    def wake(self) -> None:
        """Timers changed: look again for the earliest one."""
        self._changed.set()

    async def _run(self) -> None:
        while True:
            self._changed.clear()
            now = self.clock.now()
            due = self.store.due_timers(h.format_time(now))
            for timer in due:
                fired = h.timer_fired(now, timer.timer_id, h.parse_time(timer.fire_at))

                def fire(timer: PendingTimer = timer, fired: h.Event = fired) -> bool:
                    with self.store.transaction():
                        if not self.store.delete_timer(timer.id):
                            return False
                        self.store.add_message(
                            timer.instance_id, timer.execution_id, event_message(fired)
                        )
                        return True

                if not await retry_write(fire, f"timer of {timer.instance_id}"):
                    continue
                await self.on_fired(
                    timer.instance_id, timer.execution_id, timer.timer_id, timer.fire_at
                )
            if due:
                continue
            upcoming = self.store.next_timer()
            await self._sleep(None if upcoming is None else upcoming.fire_at)

    async def _sleep(self, until: str | None) -> None:
        waiters: list[asyncio.Task[object]] = [asyncio.ensure_future(self._changed.wait())]
        if until is not None:
            waiters.append(asyncio.ensure_future(self.clock.sleep_until(h.parse_time(until))))
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
            for waiter in waiters:
                with contextlib.suppress(asyncio.CancelledError):
                    await waiter
