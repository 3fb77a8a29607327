"""The local host's store file is private: runs hold inputs and outputs, and on a shared
machine they are nobody else's."""

from __future__ import annotations

import os
from pathlib import Path

#: The default store folder, beside the app (made private, and ignored by git).
STORE_DIR = ".durable-graph"


def prepare_private_store(path: Path) -> None:
    """Create the store's folder and file readable by this user only (0700/0600).

    Runs hold inputs and outputs; on a shared machine they are nobody else's.
    A folder we create, or the default `.durable-graph`, is made private; a
    folder the user chose that already exists is left as it is.
    """
    folder = path.parent
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True)
        folder.chmod(0o700)  # mkdir's mode is masked by the umask
    if folder.name == STORE_DIR:
        folder.chmod(0o700)
        if not (folder / ".gitignore").exists():
            # The store is local state, never something to commit.
            (folder / ".gitignore").write_text("*\n", encoding="utf-8")
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    make_private(path)


def make_private(path: Path) -> None:
    """The store file and SQLite's side files, readable by this user only."""
    for file in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))):
        if file.exists():
            file.chmod(0o600)
