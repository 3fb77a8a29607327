"""Record runs of tests/compat/app_v010 with the runtime of this checkout.

Run once with the 0.1.0 runtime (git checkout v0.1.0 state) to produce
tests/compat/recorded_v010/: finished histories (JSON) and a store with runs
still in flight. Kept so the recording can be repeated and audited:

    .venv/bin/python tests/compat/record_v010.py
"""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path

from azure_functions_durable_graph.testing import LocalHost, VirtualClock

HERE = Path(__file__).parent
APP = HERE / "app_v010"
OUT = HERE / "recorded_v010"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    store = OUT / "store.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    finished: dict[str, str] = {}
    with LocalHost(APP, store=":memory:", clock=VirtualClock()) as host:

        def start(graph: str, state: dict, instance_id: str) -> str:
            body = {"input": state, "instance_id": instance_id}
            r = host.post(f"/api/graphs/{graph}/runs", json=body)
            assert r.status == 202, r.text
            return instance_id

        finished["counter"] = start("counter", {"limit": 3}, "counter-done")
        finished["approval"] = start("approval", {"amount": 500}, "approval-done")
        finished["deadline_timeout"] = start("deadline", {"amount": 500}, "deadline-timeout")
        host.wait_until_idle()
        host.post("/api/runs/approval-done/events/manager_approval", json={"approved": True})
        host.advance(timedelta(hours=73))
        for instance_id in finished.values():
            host.wait_for_status(instance_id, "Completed")
            (OUT / f"{instance_id}.json").write_text(
                json.dumps(
                    {
                        "history": host.history(instance_id),
                        "output": host.get(f"/api/runs/{instance_id}").json(),
                    },
                    indent=1,
                    sort_keys=True,
                ),
                encoding="utf-8",
            )
    # Runs left in flight on a file store: waiting for an event, with and without a deadline,
    # and an event already delivered before the wait.
    tmp = OUT / "tmp-store.sqlite3"
    with LocalHost(APP, store=tmp, clock=VirtualClock()) as host:
        start_body = {"input": {"amount": 500}, "instance_id": "approval-waiting"}
        assert host.post("/api/graphs/approval/runs", json=start_body).status == 202
        start_body = {"input": {"amount": 500}, "instance_id": "deadline-waiting"}
        assert host.post("/api/graphs/deadline/runs", json=start_body).status == 202
        host.wait_until_idle()
        for instance_id in ("approval-waiting", "deadline-waiting"):
            assert host.get(f"/api/runs/{instance_id}").json()["waiting_for"], instance_id
    shutil.move(tmp, store)
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    print("recorded into", OUT)


if __name__ == "__main__":
    main()
