"""One asyncio task per key that drains that key's queued work.

Instances and entities both need it: work for one key must run one item at a
time, in order, while different keys run concurrently.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


class KeyedTasks:
    """Starts `drain(key)` on `kick(key)` unless a task for that key is already running."""

    def __init__(
        self, drain: Callable[[str], Awaitable[None]], on_progress: Callable[[], None]
    ) -> None:
        self._drain = drain
        self._on_progress = on_progress
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._stopped = False

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def kick(self, key: str) -> None:
        """Make sure a task drains `key`'s queue; the running one picks up new work itself."""
        self._on_progress()
        if self._stopped or key in self._tasks:
            return
        self._tasks[key] = asyncio.get_running_loop().create_task(self._run(key))

    def stop(self) -> list[asyncio.Task[None]]:
        """Cancel the running tasks and return them to await; queued work stays stored."""
        self._stopped = True
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        self._tasks.clear()
        return tasks

    async def _run(self, key: str) -> None:
        try:
            await self._drain(key)
        finally:
            self._tasks.pop(key, None)
            self._on_progress()
