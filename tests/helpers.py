"""Small helpers shared by the test suites: unique ids and polling instead of sleeps."""

from __future__ import annotations

import asyncio
import inspect
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


def unique_id(prefix: str = "t") -> str:
    """An instance id no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def eventually(
    condition: Callable[[], T | None], timeout: float = 10.0, interval: float = 0.01
) -> T:
    """Poll `condition` until it is truthy; fail with its last value after `timeout`."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s; last value: {last!r}")


async def eventually_async(
    condition: Callable[[], Awaitable[T | None] | T | None],
    timeout: float = 10.0,
    interval: float = 0.01,
) -> T:
    """`eventually` inside an event loop: `condition` may be sync or return an awaitable."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while time.monotonic() < deadline:
        value = condition()
        last = await value if inspect.isawaitable(value) else value
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s; last value: {last!r}")
