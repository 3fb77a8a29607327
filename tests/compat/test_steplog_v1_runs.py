"""Runs recorded with one step-log signal per superstep replay and finish on this runtime.

Since issue 18 a run writes its step log in batches (durable/steplog.py); the
signals an orchestrator sends are part of what its replay must repeat, so runs
started before that (their input has no ``"step_log_batched"``) keep signalling
per superstep. tests/compat/recorded_steplog_v1 was written by
tests/compat/record_steplog_v1.py with the runtime of main 4252731.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from azure_functions_durable_graph.testing import LocalHost, VirtualClock, replay_history

HERE = Path(__file__).parent
APP = HERE / "app_steplog_v1"
RECORDED = HERE / "recorded_steplog_v1"
ORCHESTRATOR = "durable_graph_orchestrator"


def orchestrator_handle() -> Any:
    spec = importlib.util.spec_from_file_location("compat_app_steplog_v1", APP / "function_app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    functions = {f.get_function_name(): f.get_user_function() for f in module.app.get_functions()}
    return functions[ORCHESTRATOR]


def test_a_finished_run_replays_its_per_superstep_signals_to_the_same_output():
    recorded = json.loads((RECORDED / "loop-done.json").read_text())

    outcome = replay_history(orchestrator_handle(), recorded["history"], instance_id="loop-done")

    assert outcome.error is None
    assert outcome.state.is_done
    assert json.loads(outcome.state.output_json or "null")["state"] == recorded["output"]["output"]


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    copy = tmp_path / "store.sqlite3"
    shutil.copy(RECORDED / "store.sqlite3", copy)
    return copy


@pytest.mark.parametrize("limit", [2, 6])
def test_a_waiting_run_takes_its_event_finishes_and_lists_every_step(old_store: Path, limit: int):
    instance_id = f"loop-waiting-{limit}"
    with LocalHost(APP, store=old_store, clock=VirtualClock()) as host:
        assert host.get(f"/api/runs/{instance_id}").json()["waiting_for"]
        sent = host.post(f"/api/runs/{instance_id}/events/ping", json="p")
        assert sent.status == 202
        host.wait_for_status(instance_id, "Completed")
        host.wait_until_idle()  # the last step record's signal

        run = host.get(f"/api/runs/{instance_id}").json()
        steps = host.get(f"/api/runs/{instance_id}/steps").json()["steps"]

    assert run["output"] == {"count": limit, "limit": limit, "pings": ["p", "done"]}
    assert [s["superstep"] for s in steps] == list(range(1, limit + 2))
    assert [s["state"]["count"] for s in steps] == [*range(1, limit + 1), limit]
    assert steps[limit - 1]["event"]["name"] == "ping"
    assert steps[-1]["nodes"] == ["done"]
