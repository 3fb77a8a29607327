"""Transient store faults (a full disk, an I/O error, a busy file): retry, never fail a run.

Every store write is one transaction, so a write that fails leaves the store as
it was. The engine's background work (episodes, activity results, timers,
entity operations) therefore retries a failed write with a growing pause until
the store accepts it again, instead of failing the run or leaving it stranded
until the next restart. A client request that cannot be stored is refused with
503 and a message naming the cause (management_api.py), so nothing is accepted
that was not kept.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import sqlite3
from collections.abc import Callable
from typing import TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: SQLite messages of faults that go away once the disk has room or the file is free again.
_TRANSIENT = ("disk is full", "disk i/o error", "database is locked", "database table is locked")
_TRANSIENT_ERRNOS = frozenset({errno.ENOSPC, errno.EIO, getattr(errno, "EDQUOT", errno.ENOSPC)})
#: Pauses between attempts, in seconds; the last one repeats.
BACKOFF = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0)


def is_transient(exc: BaseException) -> bool:
    """A store fault worth retrying (the write rolled back; it can succeed later)."""
    if isinstance(exc, sqlite3.OperationalError):
        return any(text in str(exc).lower() for text in _TRANSIENT)
    return isinstance(exc, OSError) and exc.errno in _TRANSIENT_ERRNOS


def describe(exc: BaseException) -> str:
    """What a client is told when its request could not be stored."""
    return (
        f"the local host's store cannot take writes right now ({exc}); nothing was "
        "accepted: free disk space (or stop what locks the store file) and retry"
    )


class Backoff:
    """The growing pauses of one streak of transient faults, logged once per streak."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.attempt = 0

    async def pause(self, exc: BaseException) -> None:
        if self.attempt == 0:
            logger.warning(
                "%s: store fault (%s); retrying until the store recovers", self.what, exc
            )
        delay = BACKOFF[min(self.attempt, len(BACKOFF) - 1)]
        self.attempt += 1
        await asyncio.sleep(delay)


async def retry_write(write: Callable[[], T], what: str) -> T:
    """Run the store write `write` until it does not fail with a transient fault."""
    backoff = Backoff(what)
    while True:
        try:
            return write()
        except Exception as exc:
            if not is_transient(exc):
                raise
            await backoff.pause(exc)
