"""Opening a file store for one host: an exclusive lock, and errors that name the fix.

One store, one host. Two hosts on one SQLite file would both relaunch every
stored work item and replay the same instances, so finished steps run twice and
events are consumed twice. The host therefore holds an exclusive lock on
`<store>.lock` (beside the SQLite file) for as long as it runs; a second host
on the same store is refused with `StoreInUse`. The lock is `flock` on POSIX
(released by the kernel when the process dies, so a killed host never leaves a
stale lock) and `msvcrt.locking` on Windows (not exercised by the test suite).

A store that cannot be opened (a directory, a read-only or unreadable file, a
file that is not a SQLite database or is truncated) raises `StoreUnavailable`
with the path and what to do, never a traceback.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path
from typing import IO

from ..errors import LocalHostError
from .store import Store

LOCK_SUFFIX = ".lock"


class StoreUnavailable(LocalHostError):
    """The store file cannot be used; the message names it and the fix."""

    def __init__(self, path: Path, problem: str, fix: str) -> None:
        self.path = path
        super().__init__(f"cannot use the store {path}: {problem}; {fix}")


class StoreInUse(StoreUnavailable):
    """Another host (this process or another one) holds the store's lock."""

    def __init__(self, path: Path, holder: str) -> None:
        super().__init__(
            path,
            f"it is in use by another durable-graph host{holder}",
            "stop that host first, or give this one another --store (or --in-memory)",
        )


class StoreLock:
    """The exclusive lock on `<store>.lock`, held until `release()`."""

    def __init__(self, store_path: Path) -> None:
        self.path = store_path.with_name(store_path.name + LOCK_SUFFIX)
        self._file: IO[str] | None = None
        try:
            descriptor = os.open(
                self.path, os.O_CREAT | os.O_RDWR, 0o600
            )  # private, like the store
            file = os.fdopen(descriptor, "r+", encoding="utf-8")
        except OSError as exc:
            raise _unavailable(store_path, exc) from None
        try:
            _lock(file)
        except OSError:
            file.seek(0)
            holder = file.read().strip()
            file.close()
            raise StoreInUse(store_path, f" (process {holder})" if holder else "") from None
        file.seek(0)
        file.truncate()
        file.write(str(os.getpid()))
        file.flush()
        self._file = file

    def release(self) -> None:
        file, self._file = self._file, None
        if file is not None:
            file.close()  # closing the descriptor releases the lock


def _lock(file: IO[str]) -> None:
    if sys.platform == "win32":
        import msvcrt

        file.seek(0)
        msvcrt.locking(file.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def open_file_store(path: Path) -> Store:
    """The SQLite store at `path`, or `StoreUnavailable` saying why it cannot be used."""
    if path.is_dir():
        raise StoreUnavailable(
            path, "it is a directory", f"give a file path, e.g. --store {path / 'store.sqlite3'}"
        )
    try:
        store = Store(path)
    except sqlite3.DatabaseError as exc:
        raise _unusable_database(path, exc) from None
    except OSError as exc:
        raise _unavailable(path, exc) from None
    return store


def _unusable_database(path: Path, exc: sqlite3.DatabaseError) -> StoreUnavailable:
    text = str(exc)
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return _unavailable(path, PermissionError(text))
    return StoreUnavailable(
        path,
        f"it is not a readable durable-graph store ({text})",
        "move the file away to start with an empty store, or give another --store",
    )


def _unavailable(path: Path, exc: OSError) -> StoreUnavailable:
    reason = exc.strerror or str(exc)
    if isinstance(exc, IsADirectoryError):
        return StoreUnavailable(
            path, "it is a directory", f"give a file path, e.g. --store {path / 'store.sqlite3'}"
        )
    return StoreUnavailable(
        path,
        f"it cannot be opened for writing ({reason})",
        "make the file and its folder writable by this user, or give another --store",
    )
