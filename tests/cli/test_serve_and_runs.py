"""`serve` (banner, --reload) and the commands that drive its runs by URL, as subprocesses."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import APP, cli_env, durable_graph
from tests.helpers import eventually


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Served:
    """A `durable-graph serve` subprocess whose stdout is collected as it comes."""

    def __init__(self, *args: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "azure_functions_durable_graph",
                "serve",
                *args,
                "--port",
                str(self.port),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=cli_env(),
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, text: str, count: int = 1, timeout: float = 60) -> None:
        eventually(lambda: self.output.count(text) >= count, timeout=timeout)

    def post(self, path: str, body: Any) -> Any:
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(f"{self.url}{path}", timeout=30) as response:
            return json.loads(response.read())

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=30)
        self._reader.join(timeout=10)
        assert self.process.stdout is not None
        self.process.stdout.close()
        return code


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    store = tmp_path_factory.mktemp("serve") / "store.sqlite3"
    running = Served(str(APP), "--store", str(store))
    try:
        running.wait_for("Press Ctrl+C to stop.")
        yield running
    finally:
        assert running.stop() == 0


def remote(served: Served, *args: str) -> subprocess.CompletedProcess[str]:
    return durable_graph(*args, "--url", served.url)


def test_serve_prints_each_graph_with_its_url_and_the_inspector(served: Served) -> None:
    assert f"approvals (version 1): POST {served.url}/api/graphs/approvals/runs" in served.output
    assert f"Run inspector: {served.url}/_inspector/" in served.output


def test_runs_show_send_and_cancel_drive_a_served_run(served: Served) -> None:
    run_id = served.post("/api/graphs/approvals/runs", {"input": {"amount": 700}})["instance_id"]
    eventually(
        lambda: (
            (served.get(f"/api/runs/{run_id}").get("waiting_for") or {}).get("event_name")
            == "manager_approval"
        )
    )

    listed = remote(served, "runs", "--graph", "approvals", "--status", "Running")
    assert listed.returncode == 0, listed.stderr
    row = next(line for line in listed.stdout.splitlines() if line.startswith(run_id))
    assert "approvals" in row and "Running" in row and "(waits manager_approval)" in row

    shown = remote(served, "show", run_id)
    assert shown.returncode == 0, shown.stderr
    assert "status:   Running" in shown.stdout
    assert '"event_name": "manager_approval"' in shown.stdout

    sent = remote(served, "send", run_id, "manager_approval", '{"approved": true}')
    assert sent.returncode == 0, sent.stderr
    eventually(
        lambda: (
            (served.get(f"/api/runs/{run_id}").get("waiting_for") or {}).get("event_name")
            == "finance_comment"
        )
    )
    assert remote(served, "send", run_id, "finance_comment", '"ok"').returncode == 0
    eventually(lambda: served.get(f"/api/runs/{run_id}")["status"] == "Completed")

    done = remote(served, "show", run_id, "--json")
    assert json.loads(done.stdout)["output"]["outcome"] == "paid"
    timeline = eventually(
        lambda: (shown := remote(served, "show", run_id)).stdout.count("\n  #") == 3 and shown
    )
    assert "  #1 classify -> " in timeline.stdout
    assert "| event manager_approval" in timeline.stdout

    again = remote(served, "cancel", run_id)
    assert again.returncode == 1
    assert "409" in again.stderr and "already finished" in again.stderr

    other = served.post("/api/graphs/approvals/runs", {"input": {"amount": 900}})["instance_id"]
    cancelled = remote(served, "cancel", other, "--reason", "test over")
    assert cancelled.returncode == 0, cancelled.stderr
    eventually(lambda: served.get(f"/api/runs/{other}")["status"] == "Terminated")
    terminated = remote(served, "runs", "--status", "Terminated", "--json")
    assert other in {run["instance_id"] for run in json.loads(terminated.stdout)}


def test_errors_from_the_server_exit_1_and_bad_json_exits_2(served: Served) -> None:
    missing = remote(served, "show", "no-such-run")
    assert missing.returncode == 1
    assert (
        "404" in missing.stderr and "no graph run with instance id 'no-such-run'" in missing.stderr
    )
    bad = remote(served, "send", "no-such-run", "ev", "{oops")
    assert bad.returncode == 2
    assert "event payload is not valid JSON" in bad.stderr


def test_an_unreachable_server_exits_3() -> None:
    result = durable_graph("runs", "--url", f"http://127.0.0.1:{_free_port()}")
    assert result.returncode == 3
    assert "is `durable-graph serve` running there?" in result.stderr


def test_reload_with_an_in_memory_store_is_refused() -> None:
    result = durable_graph("serve", str(APP), "--reload", "--in-memory")
    assert result.returncode == 2
    assert "--reload keeps the store" in result.stderr


def test_reload_restarts_the_app_on_a_python_change_and_keeps_the_store(tmp_path: Path) -> None:
    app = tmp_path / "app"
    shutil.copytree(APP, app)
    served = Served(str(app), "--reload")
    try:
        served.wait_for("Press Ctrl+C to stop.")
        run_id = served.post("/api/graphs/approvals/runs", {"input": {"amount": 800}})[
            "instance_id"
        ]
        eventually(
            lambda: (
                (served.get(f"/api/runs/{run_id}").get("waiting_for") or {}).get("event_name")
                == "manager_approval"
            )
        )
        source = app / "function_app.py"
        source.write_text(
            source.read_text(encoding="utf-8")
            + "\n\nextra = ManifestBuilder(graph_name='added_later', state_model=Counter)\n"
            "extra.set_entrypoint('tick')\n"
            "extra.add_node('tick', lambda s: {'count': s.count + 1}, terminal=True)\n"
            "runtime.register_registration(extra.build())\n",
            encoding="utf-8",
        )
        served.wait_for("restarting the app", timeout=30)
        served.wait_for("Press Ctrl+C to stop.", count=2)
        assert "added_later (version 1)" in served.output
        # The store survived the restart: the waiting run goes on in the new code.
        served.post(f"/api/runs/{run_id}/events/manager_approval", {"approved": False})
        eventually(
            lambda: (
                (served.get(f"/api/runs/{run_id}").get("waiting_for") or {}).get("event_name")
                == "finance_comment"
            )
        )
        assert os.path.exists(app / ".durable-graph" / "store.sqlite3")
    finally:
        assert served.stop() == 0
    assert "Stopping..." in served.output


RELIABILITY_APP = APP.parent.parent.parent / "durable" / "apps" / "reliability"


def test_show_and_resume_answer_an_interrupt_of_a_served_run() -> None:
    served = Served(str(RELIABILITY_APP), "--in-memory")
    try:
        served.wait_for("Press Ctrl+C to stop.")
        run_id = served.post("/api/graphs/interview/runs", {"input": {}})["instance_id"]
        eventually(lambda: served.get(f"/api/runs/{run_id}")["interrupts"])
        shown = remote(served, "show", run_id)
        assert shown.returncode == 0, shown.stderr
        assert '"question": "name?"' in shown.stdout
        first = remote(served, "resume", run_id, '"ada"')
        assert first.returncode == 0, first.stderr
        eventually(
            lambda: (
                [i["value"] for i in served.get(f"/api/runs/{run_id}")["interrupts"]]
                == [{"question": "age?"}]
            )
        )
        assert remote(served, "resume", run_id, "36").returncode == 0
        eventually(lambda: served.get(f"/api/runs/{run_id}")["status"] == "Completed")
        done = json.loads(remote(served, "show", run_id, "--json").stdout)
        assert done["output"]["answers"] == ["ada", "36"]
        nothing = remote(served, "resume", run_id, "1")
        assert nothing.returncode == 1
        assert "409" in nothing.stderr
    finally:
        assert served.stop() == 0
