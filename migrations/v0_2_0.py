"""`copier update` migration of a service generated before template 0.2.0.

Copier runs this from the service's folder (it needs `copier update --trust`):

    python migrations/v0_2_0.py before   # before the new template is applied
    python migrations/v0_2_0.py after    # after it

What a three-way file merge cannot do:

- before: back up the local host's store (`.durable-graph/store.sqlite3`, runs in flight
  on this machine). It is in no repository; the new runtime keeps reading it, and the
  copy lets the old one read it again after a rollback (`git checkout` of the update).
- after: add to `local.settings.json` the settings the new template's answers need (for
  example the Durable Task Scheduler's connection string). The file is the user's, so
  copier never merges it; existing values are kept as they are.

Standard library only: copier runs it with its own Python, not the service's.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

STORE = Path(".durable-graph", "store.sqlite3")
BACKUP = Path(".durable-graph", "store-before-0.2.0.sqlite3")


def back_up_store() -> str:
    if not STORE.is_file():
        return "no local store to back up"
    # SQLite's online backup: consistent even with a WAL file beside the store.
    with closing(sqlite3.connect(STORE)) as source, closing(sqlite3.connect(BACKUP)) as target:
        source.backup(target)
    return f"backed up {STORE} to {BACKUP}"


def fill_local_settings() -> str:
    mine, example = Path("local.settings.json"), Path("local.settings.example.json")
    if not (mine.is_file() and example.is_file()):
        return "no local.settings.json to complete"
    settings = json.loads(mine.read_text(encoding="utf-8"))
    values = settings.setdefault("Values", {})
    wanted = json.loads(example.read_text(encoding="utf-8")).get("Values", {})
    added = sorted(key for key in wanted if key not in values)
    if not added:
        return "local.settings.json already has every setting"
    values.update({key: wanted[key] for key in added})
    mine.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
    return f"added to local.settings.json: {', '.join(added)}"


def main(argv: list[str]) -> int:
    steps = {"before": back_up_store, "after": fill_local_settings}
    if len(argv) != 1 or argv[0] not in steps:
        print(f"usage: {Path(__file__).name} before|after", file=sys.stderr)
        return 2
    print(f"migration 0.2.0 ({argv[0]}): {steps[argv[0]]()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
