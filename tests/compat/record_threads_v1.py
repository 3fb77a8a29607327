"""Record Agent Server threads of tests/compat/app_threads_v1 with the runtime of this checkout.

Run once with the runtime of main 55a2a14 (thread entities without the run lock) to
produce tests/compat/recorded_threads_v1/: a store holding a thread with a finished
conversation and a thread whose run waits at an interrupt, and the thread entities'
states as that release wrote them. Kept so the recording can be repeated and audited:

    .venv/bin/python tests/compat/record_threads_v1.py
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from langgraph_sdk import get_sync_client

from azure_functions_durable_graph.testing import LocalHost

HERE = Path(__file__).parent
APP = HERE / "app_threads_v1"
OUT = HERE / "recorded_threads_v1"
CHAT = "5b0f7a52-4a3e-4f55-9a51-0c1b3c9d0001"
REVIEW = "5b0f7a52-4a3e-4f55-9a51-0c1b3c9d0002"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    tmp = OUT / "tmp-store.sqlite3"
    with LocalHost(APP, store=tmp) as host:
        url = f"{host.base_url}/api/langgraph"
        with get_sync_client(url=url, api_key=None) as client:
            client.threads.create(thread_id=CHAT, metadata={"user": "ada"})
            say = {"messages": [{"role": "user", "content": "hi"}]}
            client.runs.wait(CHAT, "chatbot", input=say)
            client.threads.create(thread_id=REVIEW)
            client.runs.wait(REVIEW, "reviewer", input={"topic": "owls"})
            assert client.threads.get(REVIEW)["status"] == "interrupted"
        base = "/runtime/webhooks/durabletask/entities/durable_graph_thread"
        states = {t: host.get(f"{base}/{t}").json() for t in (CHAT, REVIEW)}
        host.wait_until_idle()
    (OUT / "entities.json").write_text(json.dumps(states, indent=1, sort_keys=True) + "\n")
    shutil.move(tmp, OUT / "store.sqlite3")
    for suffix in ("-wal", "-shm", ".lock"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
