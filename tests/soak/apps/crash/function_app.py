"""Runs for the crash suite: chains, event waits, timers and retried steps.

Every activity execution gets a token and logs `start`/`end` lines with it
(to $SOAK_EXECUTION_LOG); the token comes back in the run's output, so the
test knows which execution's result the store kept, and can check that no
step started again once that execution had ended.
"""

import os
import threading
import time
import uuid
from collections.abc import Generator
from datetime import timedelta
from pathlib import Path
from typing import Any

import azure.durable_functions as df
import azure.functions as func

Orchestration = Generator[Any, Any, Any]

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)
_LOCK = threading.Lock()
STEP_SECONDS = float(os.environ.get("SOAK_STEP_SECONDS", "0.1"))
RETRY = df.RetryOptions(first_retry_interval_in_milliseconds=500, max_number_of_attempts=4)


@app.orchestration_trigger(context_name="context")
def chain(context: df.DurableOrchestrationContext) -> Orchestration:
    results = []
    for step in range(context.get_input()["steps"]):
        results.append((yield context.call_activity("step", [context.instance_id, step])))
    return results


@app.orchestration_trigger(context_name="context")
def waiter(context: df.DurableOrchestrationContext) -> Orchestration:
    first = yield context.call_activity("step", [context.instance_id, 0])
    context.set_custom_status("waiting")
    payload = yield context.wait_for_external_event("go")
    second = yield context.call_activity("step", [context.instance_id, 1])
    return [first, payload, second]


@app.orchestration_trigger(context_name="context")
def sleeper(context: df.DurableOrchestrationContext) -> Orchestration:
    seconds = context.get_input()["seconds"]
    first = yield context.call_activity("step", [context.instance_id, 0])
    yield context.create_timer(context.current_utc_datetime + timedelta(seconds=seconds))
    second = yield context.call_activity("step", [context.instance_id, 1])
    return [first, second]


@app.orchestration_trigger(context_name="context")
def retrier(context: df.DurableOrchestrationContext) -> Orchestration:
    result = yield context.call_activity_with_retry("flaky", RETRY, [context.instance_id, 0])
    return [result]


@app.activity_trigger(input_name="job")
def step(job: list[Any]) -> str:
    return _execute(job, fail_first=False)


@app.activity_trigger(input_name="job")
def flaky(job: list[Any]) -> str:
    return _execute(job, fail_first=True)


def _execute(job: list[Any], *, fail_first: bool) -> str:
    instance_id, number = job
    key = f"{instance_id}:{number}"
    token = uuid.uuid4().hex[:12]
    _log(f"start {key} {token}")
    time.sleep(STEP_SECONDS)
    if fail_first and not _failed_before(key):
        _log(f"fail {key} {token}")
        raise RuntimeError(f"first attempt of {key} fails on purpose")
    _log(f"end {key} {token}")
    return f"{key}:{token}"


def _failed_before(key: str) -> bool:
    path = os.environ.get("SOAK_EXECUTION_LOG")
    if not path or not Path(path).exists():
        return True  # no log: nothing to count attempts with, so never fail
    with _LOCK:
        return f"fail {key} " in Path(path).read_text()


def _log(line: str) -> None:
    path = os.environ.get("SOAK_EXECUTION_LOG")
    if path:
        with _LOCK, Path(path).open("a") as file:
            file.write(line + "\n")
            file.flush()
