"""The crash suite: runs in flight (activities, event waits, timers, retries), SIGKILLs of
`serve` at random moments, restarts on the same store.

Every run must complete with the right output, and no step may start again once
the execution whose result the store kept had ended (activities are at-least-once
only for executions a crash caught before their result was stored).
"""

from __future__ import annotations

import random
import signal
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.helpers import eventually
from tests.soak.serving import call, serve

APP = Path(__file__).parent / "apps" / "crash"
WEBHOOK = "/runtime/webhooks/durabletask"
KINDS = ("chain", "waiter", "sleeper", "retrier")


@dataclass
class CrashReport:
    runs: int
    kills: int
    executions: int  # activity executions started, re-runs included
    reruns: int  # executions of a step beyond its first (crash caught it mid-flight)
    seconds: float  # from the first start to the last completion


@dataclass(frozen=True)
class Run:
    instance_id: str
    kind: str
    input: dict[str, Any]


def plan(runs: int, rng: random.Random) -> list[Run]:
    planned = []
    for n in range(runs):
        kind = KINDS[n % len(KINDS)]
        instance_id = f"{kind}-{n}"
        body: dict[str, Any] = {}
        if kind == "chain":
            body = {"steps": rng.randint(3, 6)}
        elif kind == "sleeper":
            body = {"seconds": rng.randint(1, 4)}
        planned.append(Run(instance_id, kind, body))
    return planned


def _start(base_url: str, run: Run) -> None:
    url = f"{base_url}{WEBHOOK}/orchestrators/{run.kind}/{run.instance_id}"
    status, body = call("POST", url, run.input)
    assert status == 202, (status, body)


def _raise(base_url: str, run: Run) -> None:
    url = f"{base_url}{WEBHOOK}/instances/{run.instance_id}/raiseEvent/go"
    status, body = call("POST", url, {"for": run.instance_id})
    assert status == 202, (status, body)


def _statuses(base_url: str) -> dict[str, dict[str, Any]]:
    status, body = call("GET", f"{base_url}{WEBHOOK}/instances?showInput=false")
    assert status == 200, body
    return {item["instanceId"]: item for item in body}


def run_crash_suite(tmp: Path, *, runs: int, kills: int, seed: int = 7) -> CrashReport:
    rng = random.Random(seed)
    store, log, executions = tmp / "hub.sqlite3", tmp / "serve.log", tmp / "executions.log"
    env = {"SOAK_EXECUTION_LOG": str(executions), "SOAK_STEP_SECONDS": "0.1"}
    planned = plan(runs, rng)
    waiters = [r for r in planned if r.kind == "waiter"]
    started_at = time.monotonic()
    for generation in range(kills + 1):
        with serve(APP, store, log, "--max-activities", "16", env=env) as (base_url, process):
            if generation == 0:
                with ThreadPoolExecutor(16) as pool:
                    list(pool.map(lambda r: _start(base_url, r), planned))
            # Half of the events go out while kills are still to come, the rest after them.
            if generation == min(1, kills - 1):
                for run in waiters[: len(waiters) // 2]:
                    _raise(base_url, run)
            if generation == kills:
                for run in waiters[len(waiters) // 2 :]:
                    _raise(base_url, run)
            if generation == kills:
                break
            time.sleep(rng.uniform(0.3, 2.0))
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)

    with serve(APP, store, log, env=env) as (base_url, _):

        def all_done() -> dict[str, dict[str, Any]] | None:
            statuses = _statuses(base_url)
            done = [s for s in statuses.values() if s["runtimeStatus"] in ("Completed", "Failed")]
            return statuses if len(done) == len(planned) else None

        statuses = eventually(all_done, timeout=300)
    seconds = time.monotonic() - started_at
    return _check(planned, statuses, executions, kills, seconds)


def _check(
    planned: list[Run],
    statuses: dict[str, dict[str, Any]],
    executions: Path,
    kills: int,
    seconds: float,
) -> CrashReport:
    assert sorted(statuses) == sorted(r.instance_id for r in planned), "runs lost or added"
    kept: dict[str, str] = {}  # step key -> token of the execution whose result was stored
    for run in planned:
        status = statuses[run.instance_id]
        assert status["runtimeStatus"] == "Completed", status
        output = status["output"]
        steps = {"chain": run.input.get("steps", 0), "waiter": 2, "sleeper": 2, "retrier": 1}
        results = [item for item in output if isinstance(item, str)]
        assert len(results) == steps[run.kind], (run, output)
        for number, result in enumerate(results):
            instance_id, step, token = result.rsplit(":", 2)
            assert (instance_id, int(step)) == (run.instance_id, number), (run, output)
            kept[f"{instance_id}:{step}"] = token
        if run.kind == "waiter":
            assert output[1] == {"for": run.instance_id}, output
    lines = [line.split() for line in executions.read_text().splitlines()]
    starts = Counter(key for kind, key, _ in lines if kind == "start")
    assert set(starts) == set(kept)
    for key, token in kept.items():
        ended = lines.index(["end", key, token])
        again = [n for n, (kind, k, _) in enumerate(lines) if kind == "start" and k == key]
        assert max(again) < ended, f"step {key} started again after its stored result ended"
    fails = sum(1 for kind, _, _ in lines if kind == "fail")
    retriers = sum(1 for r in planned if r.kind == "retrier")
    assert fails >= retriers, "every retried step failed at least once"
    reruns = sum(starts.values()) - len(starts) - fails
    return CrashReport(len(planned), kills, sum(starts.values()), reruns, seconds)
