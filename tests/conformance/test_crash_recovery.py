"""Kill a `serve` process with SIGKILL while runs are in flight, restart it on the same store.

Every accepted run must complete with the right output: activities that were
running at the crash run again (at-least-once), timers still fire, and no
result is lost or duplicated in what the orchestrators return.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from tests.conformance.links import follow
from tests.helpers import eventually

pytestmark = pytest.mark.slow

APP = Path(__file__).parent / "apps" / "crash"
STEPS = 8
TIMER_SECONDS = 3


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _answers(base_url: str) -> bool:
    try:
        follow(f"{base_url}/runtime/webhooks/durabletask/instances/", timeout=1)
    except OSError:
        return False  # nobody listening yet
    return True


Server = tuple[str, "subprocess.Popen[bytes]"]


@contextmanager
def serve(store: Path, log: Path, executions: Path) -> Iterator[Server]:
    """`python -m azure_functions_durable_graph serve` on a free port; killed if still alive."""
    port = _free_port()
    command = [sys.executable, "-m", "azure_functions_durable_graph", "serve", str(APP)]
    command += ["--port", str(port), "--store", str(store)]
    env = {**os.environ, "CRASH_EXECUTION_LOG": str(executions), "CRASH_STEP_SECONDS": "0.2"}
    with log.open("ab") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        eventually(lambda: process.poll() is not None or _answers(base_url), timeout=30)
        assert process.poll() is None, f"serve exited with {process.returncode}:\n{log.read_text()}"
        yield base_url, process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def _status(base_url: str, instance_id: str) -> dict[str, Any]:
    reply = follow(f"{base_url}/runtime/webhooks/durabletask/instances/{instance_id}")
    assert reply.status in (200, 202), f"status of {instance_id}: {reply.status} {reply.text}"
    body: dict[str, Any] = reply.json()
    return body


def _start(base_url: str, orchestrator: str, instance_id: str, body: dict[str, int]) -> None:
    reply = follow(f"{base_url}/api/orchestrators/{orchestrator}/{instance_id}", "POST", body)
    assert reply.status == 202, reply.text


def test_runs_in_flight_survive_sigkill_and_complete_after_restart(tmp_path: Path) -> None:
    store, log, executions = tmp_path / "hub.sqlite3", tmp_path / "serve.log", tmp_path / "runs.log"
    chains = [f"chain-{n}" for n in range(3)]

    with serve(store, log, executions) as (base_url, process):
        for instance_id in chains:
            _start(base_url, "slow_chain", instance_id, {"steps": STEPS})
        _start(base_url, "timer_then_step", "sleeper", {"seconds": TIMER_SECONDS})

        def progress() -> list[int] | None:
            done = [(_status(base_url, i)["customStatus"] or {}).get("done", 0) for i in chains]
            sleeping = _status(base_url, "sleeper")["customStatus"] == "sleeping"
            return done if sleeping and min(done) >= 2 else None

        done_at_kill = eventually(progress, timeout=20)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    # Each step takes 0.2 s: with steps still to go, the kill caught every chain mid-run.
    assert max(done_at_kill) <= STEPS - 2, done_at_kill
    with serve(store, log, executions) as (base_url, _):

        def finished(instance_id: str) -> dict[str, Any] | None:
            status = _status(base_url, instance_id)
            return status if status["runtimeStatus"] in ("Completed", "Failed") else None

        results = {i: eventually(partial(finished, i), timeout=30) for i in [*chains, "sleeper"]}

    for instance_id in chains:
        assert results[instance_id]["runtimeStatus"] == "Completed", log.read_text()
        assert results[instance_id]["output"] == [f"{instance_id}:{s}" for s in range(STEPS)]
    assert results["sleeper"]["output"] == {"slept": TIMER_SECONDS, "after": "sleeper:0"}
    # At-least-once: steps the crash caught mid-flight started again after the restart.
    starts, ends = _executions(executions, "start"), _executions(executions, "end")
    expected = {f"{i}:{s}" for i in chains for s in range(STEPS)} | {"sleeper:0"}
    assert set(ends) == expected
    assert max(ends.values()) <= 2, ends
    interrupted = [step for step in starts if starts[step] > ends[step]]
    assert interrupted, "the kill should have caught some activities mid-flight"
    assert all(starts[step] == 2 for step in interrupted), starts


def _executions(log: Path, kind: str) -> Counter[str]:
    lines = log.read_text().splitlines()
    return Counter(line.split()[1] for line in lines if line.startswith(f"{kind} "))
