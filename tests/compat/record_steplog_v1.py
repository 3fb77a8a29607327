"""Record runs of tests/compat/app_steplog_v1 with the runtime of this checkout.

Run once with the runtime of main 4252731 (one step-log signal per superstep) to
produce tests/compat/recorded_steplog_v1/: a finished run (its last execution's
history, its output and its steps) and a store with runs still waiting. Kept so
the recording can be repeated and audited:

    .venv/bin/python tests/compat/record_steplog_v1.py
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from azure_functions_durable_graph.testing import LocalHost, VirtualClock

HERE = Path(__file__).parent
APP = HERE / "app_steplog_v1"
OUT = HERE / "recorded_steplog_v1"


def start(host: LocalHost, instance_id: str, limit: int) -> None:
    body = {"input": {"limit": limit}, "instance_id": instance_id}
    response = host.post("/api/graphs/loop/runs", json=body)
    assert response.status == 202, response.text


def main() -> None:
    OUT.mkdir(exist_ok=True)
    store = OUT / "store.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    with LocalHost(APP, store=":memory:", clock=VirtualClock()) as host:
        start(host, "loop-done", 6)
        host.wait_until_idle()
        host.post("/api/runs/loop-done/events/ping", json="p")
        host.wait_for_status("loop-done", "Completed")
        recorded = {
            "history": host.history("loop-done"),
            "output": host.get("/api/runs/loop-done").json(),
            "steps": host.get("/api/runs/loop-done/steps").json(),
        }
        text = json.dumps(recorded, indent=1, sort_keys=True)
        (OUT / "loop-done.json").write_text(text, encoding="utf-8")
    # Runs left waiting for "ping" on a file store: in the first execution (2 supersteps
    # of 4) and in the second (6 supersteps: one continue-as-new behind it).
    tmp = OUT / "tmp-store.sqlite3"
    with LocalHost(APP, store=tmp, clock=VirtualClock()) as host:
        start(host, "loop-waiting-2", 2)
        start(host, "loop-waiting-6", 6)
        host.wait_until_idle()
        for instance_id in ("loop-waiting-2", "loop-waiting-6"):
            assert host.get(f"/api/runs/{instance_id}").json()["waiting_for"], instance_id
    shutil.move(tmp, store)
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    print("recorded into", OUT)


if __name__ == "__main__":
    main()
