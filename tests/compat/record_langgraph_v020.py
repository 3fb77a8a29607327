"""Record from_langgraph runs of tests/compat/app_langgraph_v020 with this checkout's runtime.

Ran once with the runtime as it was before issue 20 (main at 4252731) to produce
tests/compat/recorded_langgraph_v020/: a finished history (JSON), the graph's hash, and a
store with a run paused on interrupt(). Kept so the recording can be repeated and audited:

    .venv/bin/python tests/compat/record_langgraph_v020.py
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from azure_functions_durable_graph.testing import LocalHost, VirtualClock

HERE = Path(__file__).parent
APP = HERE / "app_langgraph_v020"
OUT = HERE / "recorded_langgraph_v020"
START = {"messages": [{"role": "user", "content": "the essay", "id": "ask"}], "notes": []}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with LocalHost(APP, store=":memory:", clock=VirtualClock()) as host:
        body = {"input": START, "instance_id": "review-done"}
        assert host.post("/api/graphs/review/runs", json=body).status == 202
        host.wait_until_idle()
        assert host.get("/api/runs/review-done").json()["interrupts"]
        assert host.post("/api/runs/review-done/resume", json={"resume": True}).status == 202
        host.wait_for_status("review-done", "Completed")
        (OUT / "review-done.json").write_text(
            json.dumps(
                {
                    "history": host.history("review-done"),
                    "output": host.get("/api/runs/review-done").json(),
                },
                indent=1,
                sort_keys=True,
            ),
            encoding="utf-8",
        )
        hashes = {
            g["graph_name"]: g["graph_hash"] for g in host.get("/api/graphs").json()["graphs"]
        }
        (OUT / "hashes.json").write_text(json.dumps(hashes, indent=1), encoding="utf-8")
    store = OUT / "store.sqlite3"
    tmp = OUT / "tmp-store.sqlite3"
    with LocalHost(APP, store=tmp, clock=VirtualClock()) as host:
        body = {"input": START, "instance_id": "review-waiting"}
        assert host.post("/api/graphs/review/runs", json=body).status == 202
        host.wait_until_idle()
        assert host.get("/api/runs/review-waiting").json()["interrupts"]
    shutil.move(tmp, store)
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    print("recorded into", OUT)


if __name__ == "__main__":
    main()
